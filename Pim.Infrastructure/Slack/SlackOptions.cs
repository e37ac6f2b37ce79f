namespace Pim.Infrastructure;

/// <summary>
/// The deployment's Slack app (<c>Pim:Slack</c>): the signing secret with which Slack signs the interactions it sends
/// (without it, every interaction is refused), where the Web API is, and where an interaction's response_url may point.
/// </summary>
public sealed class SlackOptions
{
    public const string DefaultApiBaseUrl = "https://slack.com/api/";
    public const string DefaultResponseUrlPrefix = "https://hooks.slack.com/";

    public string? SigningSecret { get; set; }
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>
    /// What an interaction's response_url (where the ephemeral answer is posted) must begin with: Pim posts only to Slack,
    /// whatever a payload says.
    /// </summary>
    public string ResponseUrlPrefix { get; set; } = DefaultResponseUrlPrefix;

    /// <summary>How far an interaction's X-Slack-Request-Timestamp may be from now (Slack's advice: five minutes).</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The base URL with a final slash, so that a method name appends to it.</summary>
    public Uri ApiBase => new(ApiBaseUrl.EndsWith('/') ? ApiBaseUrl : ApiBaseUrl + "/");
}
