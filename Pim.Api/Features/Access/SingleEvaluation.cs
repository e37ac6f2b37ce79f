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
    /// <summary>One JSON writer per thread, used to its end before anything is awaited (made with this application's options).</summary>
    private readonly ThreadLocal<Utf8JsonWriter> _writers = new(() => new Utf8JsonWriter(Nowhere, WriterOptions(json.Value.SerializerOptions)));

    /// <summary>How the application's JSON options write (as minimal APIs' writer would): its encoder and indentation.</summary>
    internal static JsonWriterOptions WriterOptions(JsonSerializerOptions options) =>
        new() { Encoder = options.Encoder, Indented = options.WriteIndented };

    public async Task EvaluateAsync(HttpContext http)
    {
        var body = await ReadAsync(http.Request);
        Wire.EnsureWithinBounds(body);
        var ct = http.RequestAborted;
        AccessDecision decision;
        await using (var unit = factory.Take())
        {
            var caller = await CurrentCaller.ResolveAsync(http, CurrentCaller.PathTenantOf(http), unit.Access, services);
            decision = await PimTelemetry.Evaluation(Stopwatch.GetTimestamp(),
                unit.Access.EvaluateAsync(caller, body.PrincipalId.Text, body.RoleId.Text, body.Scope?.Text ?? ScopePath.Root, ct));
        }
        await WriteAsync(http.Response, body, decision);
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
            return buffer.IsSingleSegment ? Read(buffer.FirstSpan, _question) : Read(buffer.ToArray(), _question);
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

    /// <summary>The question in <paramref name="body"/>: as nearly every caller sends it, read straight from the bytes
    /// (<see cref="TryReadPlain"/>); anything else by System.Text.Json, which answers or refuses it as every endpoint does.</summary>
    internal static EvaluationRequest Read(ReadOnlySpan<byte> body, JsonTypeInfo<EvaluationRequest> question) =>
        TryReadPlain(body, out var plain) ? plain
        : JsonSerializer.Deserialize(body, question)
          ?? throw new BadHttpRequestException($"Required parameter \"{nameof(EvaluationRequest)} body\" was not provided from body.");

    /// <summary>
    /// The question as nearly every caller sends it — one object of <c>principalId</c>, <c>roleId</c> and maybe <c>scope</c>,
    /// so named, each a string, each once, and nothing after it — read straight from the bytes; false for anything else
    /// (another spelling of a name, a null, a field twice or missing, a stranger, a malformed body), which System.Text.Json
    /// then reads, answering or refusing it as before. The same record either way (<c>SingleEvaluationTests</c> holds the
    /// two to each other): what it spares is the serializer's state for a record's constructor (~0.15 KB per evaluation).
    /// </summary>
    internal static bool TryReadPlain(ReadOnlySpan<byte> body, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EvaluationRequest? question)
    {
        question = null;
        string? principalId = null, roleId = null, scope = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("principalId"u8) ? 0 : reader.ValueTextEquals("roleId"u8) ? 1 : reader.ValueTextEquals("scope"u8) ? 2 : -1;
                if (field < 0 || !reader.Read() || reader.TokenType != JsonTokenType.String) return false;
                ref var text = ref field == 0 ? ref principalId : ref field == 1 ? ref roleId : ref scope;
                if (text is not null) return false;
                text = reader.GetString();
            }
            // The object's end, and nothing after it (another value, or anything but white space, throws).
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return false;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) // malformed, or a string not UTF-8
        {
            return false;
        }
        if (principalId is null || roleId is null) return false;
        question = new EvaluationRequest(Http.Values.PrincipalId.Read(principalId), Http.Values.RoleId.Read(roleId),
            scope is null ? null : Http.Values.Scope.Read(scope));
        return true;
    }

    /// <summary>Nothing to write to, between answers: a writer kept for the next one holds no response's pipe.</summary>
    private static readonly IBufferWriter<byte> Nowhere = new ArrayBufferWriter<byte>(1);

    /// <summary>
    /// The answer as minimal APIs write a handler's result (200, <c>application/json; charset=utf-8</c>, the application's
    /// JSON options), with a writer kept per thread rather than a new one per answer (~0.16 KB per evaluation, issue 27).
    /// </summary>
    private ValueTask<FlushResult> WriteAsync(HttpResponse response, EvaluationRequest question, AccessDecision decision)
    {
        response.ContentType = "application/json; charset=utf-8";
        var writer = _writers.Value!;
        writer.Reset(response.BodyWriter);
        try
        {
            WriteAnswer(writer, question, decision);
        }
        finally
        {
            writer.Reset(Nowhere);
        }
        return response.BodyWriter.FlushAsync();
    }

    /// <summary>
    /// <see cref="EvaluationResponse.From"/>, written field by field as System.Text.Json writes that record with the
    /// application's options (<c>SingleEvaluationTests</c> holds the bytes to each other), without making it (~0.1 KB per
    /// evaluation, issue 27). The contract still names the record (<c>Produces&lt;EvaluationResponse&gt;</c>).
    /// </summary>
    internal static void WriteAnswer(Utf8JsonWriter writer, EvaluationRequest question, AccessDecision decision)
    {
        var grant = decision.Grant;
        writer.WriteStartObject();
        writer.WriteString("decision"u8, decision.Granted ? EvaluationDecisions.Allow : EvaluationDecisions.Deny);
        writer.WriteString("principalId"u8, question.PrincipalId.Text);
        writer.WriteString("roleId"u8, question.RoleId.Text);
        writer.WriteString("scope"u8, question.Scope?.Text ?? ScopePath.Root);
        if (grant?.ValidUntil is { } until) writer.WriteString("validUntil"u8, until);
        else writer.WriteNull("validUntil"u8);
        writer.WriteString("assignmentId"u8, grant?.AssignmentId);
        writer.WriteString("activationRequestId"u8, grant?.ActivationRequestId);
        writer.WriteString("reason"u8, decision.Reason);
        writer.WriteNull("error"u8);
        writer.WriteEndObject();
        writer.Flush();
    }

    public void Dispose() => _writers.Dispose();
}
