using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Pim.Api.Http;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Features.Access;

/// <summary>
/// The single evaluation, the hot path, without a DI scope per request (issue 27). ASP.NET Core makes a request's scope the
/// first time anything resolves a service from it — a handler's service parameter, a typed result writing its answer — and
/// disposes it when the request ends; an evaluation the grant index answers needs none of it. Its own unit of work
/// (<see cref="AccessServiceFactory.Session"/>) opens a connection only when the store must answer, and its caller is
/// resolved exactly as every endpoint's is (<see cref="CurrentCaller.ResolveAsync(HttpContext, string, AccessService, IServiceProvider)"/>).
/// It writes its answer itself (<see cref="WriteAsync"/>).
/// </summary>
public sealed class SingleEvaluation(AccessServiceFactory factory, IServiceProvider services, IOptions<JsonOptions> json) : IDisposable
{
    private JsonTypeInfo<EvaluationResponse>? _answer;

    /// <summary>One JSON writer per thread, used to its end before anything is awaited (made with this application's options).</summary>
    private readonly ThreadLocal<Utf8JsonWriter> _writers = new(() => new Utf8JsonWriter(Nowhere, new JsonWriterOptions
    {
        Encoder = json.Value.SerializerOptions.Encoder, Indented = json.Value.SerializerOptions.WriteIndented,
    }));

    public async Task EvaluateAsync(EvaluationRequest body, HttpContext http, CancellationToken ct)
    {
        EvaluationResponse answer;
        await using (var db = factory.Session())
        {
            var access = factory.Create(db);
            var caller = await CurrentCaller.ResolveAsync(http, CurrentCaller.PathTenantOf(http), access, services);
            answer = EvaluationResponse.From(body, await PimTelemetry.Evaluation(Stopwatch.GetTimestamp(),
                access.EvaluateAsync(caller, body.PrincipalId.Text, body.RoleId.Text, body.Scope?.Text ?? ScopePath.Root, ct)));
        }
        await WriteAsync(http.Response, answer);
    }

    /// <summary>Nothing to write to, between answers: a writer kept for the next one holds no response's pipe.</summary>
    private static readonly IBufferWriter<byte> Nowhere = new ArrayBufferWriter<byte>(1);

    /// <summary>
    /// The answer as minimal APIs write a handler's result (200, <c>application/json; charset=utf-8</c>, the application's
    /// JSON options), with a writer kept per thread rather than a new one per answer (~0.16 KB per evaluation, issue 27).
    /// </summary>
    private ValueTask<FlushResult> WriteAsync(HttpResponse response, EvaluationResponse answer)
    {
        _answer ??= (JsonTypeInfo<EvaluationResponse>)json.Value.SerializerOptions.GetTypeInfo(typeof(EvaluationResponse));
        response.ContentType = "application/json; charset=utf-8";
        var writer = _writers.Value!;
        writer.Reset(response.BodyWriter);
        try
        {
            JsonSerializer.Serialize(writer, answer, _answer);
        }
        finally
        {
            writer.Reset(Nowhere);
        }
        return response.BodyWriter.FlushAsync();
    }

    public void Dispose() => _writers.Dispose();
}
