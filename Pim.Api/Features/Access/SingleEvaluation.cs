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
/// (<see cref="AccessServiceFactory.Take"/>, kept for the thread's next evaluation) opens a connection only when the store must answer, and its caller is
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

    public async Task EvaluateAsync(HttpContext http)
    {
        var body = await ReadAsync(http.Request);
        Wire.EnsureWithinBounds(body);
        var ct = http.RequestAborted;
        EvaluationResponse answer;
        await using (var unit = factory.Take())
        {
            var caller = await CurrentCaller.ResolveAsync(http, CurrentCaller.PathTenantOf(http), unit.Access, services);
            answer = EvaluationResponse.From(body, await PimTelemetry.Evaluation(Stopwatch.GetTimestamp(),
                unit.Access.EvaluateAsync(caller, body.PrincipalId.Text, body.RoleId.Text, body.Scope?.Text ?? ScopePath.Root, ct)));
        }
        await WriteAsync(http.Response, answer);
    }

    private JsonTypeInfo<EvaluationRequest>? _question;

    /// <summary>
    /// The question, read as minimal APIs read a handler's JSON body, and refused as they refuse it (a body that is not
    /// JSON, one that cannot be read, none at all: the same exceptions, so the same problems) — the whole body from the
    /// request's pipe, then read at once: minimal APIs' binding (its media type parsed twice, a task, a filter's context)
    /// was ~0.2 KB of every evaluation (issue 27). Kestrel holds it to the request body's size limit. The wire's bounds are
    /// held by the caller, as the endpoint filter holds them elsewhere (<see cref="Wire.EnsureWithinBounds"/>).
    /// </summary>
    private async ValueTask<EvaluationRequest> ReadAsync(HttpRequest request)
    {
        // Any other media type was refused before the endpoint (JsonMediaType.AcceptsJsonOnly); none at all is refused here.
        if (string.IsNullOrEmpty(request.ContentType))
            throw new BadHttpRequestException("Expected a supported JSON media type but got \"\".", StatusCodes.Status415UnsupportedMediaType);
        _question ??= (JsonTypeInfo<EvaluationRequest>)json.Value.SerializerOptions.GetTypeInfo(typeof(EvaluationRequest));
        var reader = request.BodyReader;
        ReadResult read;
        try
        {
            read = await reader.ReadAsync(request.HttpContext.RequestAborted);
            while (!read.IsCompleted)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                read = await reader.ReadAsync(request.HttpContext.RequestAborted);
            }
        }
        catch (IOException e) when (e is not BadHttpRequestException) // the client went away mid-body (a body too large is Kestrel's 413 already)
        {
            throw new BadHttpRequestException("The request body could not be read to its end.", e);
        }
        try
        {
            var buffer = read.Buffer;
            return (buffer.IsSingleSegment ? JsonSerializer.Deserialize(buffer.FirstSpan, _question) : JsonSerializer.Deserialize(buffer.ToArray(), _question))
                ?? throw new BadHttpRequestException($"Required parameter \"{nameof(EvaluationRequest)} body\" was not provided from body.");
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException($"Failed to read parameter \"{nameof(EvaluationRequest)} body\" from the request body as JSON.", e);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
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
