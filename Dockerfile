# syntax=docker/dockerfile:1

# ---- build -------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files only, so the package layer is cached
# until a project file or the central package versions change.
COPY Directory.Build.props Directory.Packages.props ./
COPY Pim.Domain/Pim.Domain.csproj Pim.Domain/
COPY Pim.Infrastructure/Pim.Infrastructure.csproj Pim.Infrastructure/
COPY Pim.Api/Pim.Api.csproj Pim.Api/
RUN dotnet restore Pim.Api/Pim.Api.csproj

COPY Pim.Domain/ Pim.Domain/
COPY Pim.Infrastructure/ Pim.Infrastructure/
COPY Pim.Api/ Pim.Api/
RUN dotnet publish Pim.Api/Pim.Api.csproj -c Release -o /app --no-restore -p:UseAppHost=false

# ---- runtime -----------------------------------------------------------------
# The .NET 10 aspnet image is Ubuntu 24.04 (not chiseled): it has bash, head and
# grep, which the HEALTHCHECK below relies on; it has no curl/wget.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# DOTNET_GCgen0size: a 64 MB gen0 budget. Evaluation allocates a few KB per request, and with the default budget the
# GC collected gen0 dozens of times a second under load; with this one, a few times (bench/README.md, issue 27). The
# runtime reads this knob from the environment only (Pim.Api.csproj sets the rest of the GC's configuration).
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_GCgen0size=0x4000000

COPY --from=build /app ./
# Writable data directory (e.g. the SQLite store) owned by the image's non-root
# "app" user (APP_UID=1654, defined by the official .NET 8+ images).
RUN mkdir -p /app/data && chown "$APP_UID:$APP_UID" /app/data

USER $APP_UID
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'

ENTRYPOINT ["dotnet", "Pim.Api.dll"]
