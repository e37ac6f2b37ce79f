// The anchor of bench/run.sh: "a bare Kestrel JSON endpoint in its own process (no auth)". The default ASP.NET Core
// host, one minimal-API endpoint that binds the same body as Pim's access evaluation and answers a small JSON object.
// Nothing else: no authentication, no middleware, no store. Logging at Warning so that nothing is written per request.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var app = builder.Build();
app.MapPost("/bare", (BareRequest body) => TypedResults.Ok(new BareResponse("allow", body.PrincipalId, body.RoleId, body.Scope ?? "/")));
// What the process has allocated (every thread), read before and after the anchor's run: the anchor's own bytes per request,
// the floor under Pim's allocation per evaluation.
app.MapGet("/gc", () => TypedResults.Ok(new Dictionary<string, double> { ["allocated"] = GC.GetTotalAllocatedBytes(precise: false) }));
app.Run();

/// <summary>The body of Pim's <c>POST /v1/tenants/{tenantId}/access/evaluation</c>.</summary>
internal sealed record BareRequest(string PrincipalId, string RoleId, string? Scope = null);

/// <summary>A small answer, about the size of an evaluation's.</summary>
internal sealed record BareResponse(string Decision, string PrincipalId, string RoleId, string Scope);
