namespace Pim.Api.Http;

/// <summary>
/// Endpoint metadata that the cross-cutting middleware and the contract read: which rate-limit budget a request spends,
/// how an Idempotency-Key treats its answer, and which headers its answers carry.
/// </summary>
public static class EndpointMarkers
{
    /// <summary>An access-evaluation call: the high evaluation budget; it changes nothing, so Idempotency-Key is ignored.</summary>
    public sealed class Evaluation;

    /// <summary>
    /// A SCIM operation (Features/Scim): its answers are application/scim+json and its errors SCIM errors; Idempotency-Key
    /// does not apply (SCIM's own uniqueness makes a retried create a 409).
    /// </summary>
    public sealed class Scim;

    /// <summary>The answer shows a one-time secret: an Idempotency-Key keeps only its status and Location, never its body.</summary>
    public sealed class AnswerCarriesSecret;

    /// <summary>
    /// Not a bearer token but a signature over the request authenticates it (Slack's interactions): the contract names the
    /// signature's scheme, <see cref="OpenApiSetup.SlackSignatureScheme"/>.
    /// </summary>
    public sealed class SlackSigned;

    /// <summary>A header that answers of this endpoint with <see cref="Status"/> carry: the contract declares it.</summary>
    public sealed record ResponseHeader(int Status, string Name, bool Required);

    public static RouteHandlerBuilder AnswersWithHeader(this RouteHandlerBuilder builder, int status, string name, bool required = true) =>
        builder.WithMetadata(new ResponseHeader(status, name, required));

    /// <summary>Another media type answers of this endpoint with <see cref="Status"/> may have (as Accept asks): text of at most <see cref="MaxLength"/>.</summary>
    public sealed record AlternativeContent(int Status, string ContentType, int MaxLength);

    public static RouteHandlerBuilder AlsoAnswersWith(this RouteHandlerBuilder builder, int status, string contentType, int maxLength) =>
        builder.WithMetadata(new AlternativeContent(status, contentType, maxLength));

    public static TBuilder IsEvaluation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Evaluation());

    public static TBuilder AnswerShowsSecret<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AnswerCarriesSecret());

    public static bool Has<T>(this HttpContext http) where T : class => http.GetEndpoint()?.Metadata.GetMetadata<T>() is not null;
}
