using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pim.Infrastructure;

/// <summary>
/// Slack's request signing ("Verifying requests from Slack"): <c>v0=</c> and the hex HMAC-SHA256, keyed with the app's
/// signing secret, of <c>v0:{X-Slack-Request-Timestamp}:{raw body}</c>. A request is Slack's when its signature is that
/// (compared in constant time) and its timestamp is within the tolerance of now, so a captured request cannot be sent
/// again later; within the tolerance, the store of answered signatures refuses it (<see cref="SlackMessageRepository"/>).
/// </summary>
public static class SlackSignature
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";

    public static string Sign(string signingSecret, string timestamp, string body) =>
        "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}")));

    /// <summary>Why the request is not Slack's, or null when it is.</summary>
    public static string? Refusal(string? signingSecret, string? timestamp, string? signature, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(signingSecret)) return "Pim:Slack:SigningSecret is not set: Pim accepts no Slack interaction.";
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature)) return "The request carries no Slack signature.";
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > 4_000_000_000 || Math.Abs((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).TotalSeconds) > tolerance.TotalSeconds)
            return "The Slack request's timestamp is not within five minutes of now.";
        var expected = Encoding.ASCII.GetBytes(Sign(signingSecret, timestamp, body));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? null : "The Slack signature does not match the request.";
    }
}
