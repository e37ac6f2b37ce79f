using Pim.Infrastructure;

namespace Pim.Api.Tests.Integrations;

/// <summary>Slack's request signing, against the example Slack publishes ("Verifying requests from Slack").</summary>
public sealed class SlackSignatureTests
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string Body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string Expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    [Fact]
    public void Slacks_published_example_signs_and_verifies()
    {
        Assert.Equal(Expected, SlackSignature.Sign(Secret, Timestamp, Body));
        Assert.Null(SlackSignature.Refusal(Secret, Timestamp, Expected, Body, At, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_changed_body_secret_or_signature_is_refused()
    {
        Assert.NotNull(SlackSignature.Refusal(Secret, Timestamp, Expected, Body + "&x=1", At, TimeSpan.FromMinutes(5)));
        Assert.NotNull(SlackSignature.Refusal(Secret + "x", Timestamp, Expected, Body, At, TimeSpan.FromMinutes(5)));
        Assert.NotNull(SlackSignature.Refusal(Secret, Timestamp, Expected[..^1] + "4", Body, At, TimeSpan.FromMinutes(5)));
        Assert.NotNull(SlackSignature.Refusal(Secret, Timestamp, "", Body, At, TimeSpan.FromMinutes(5)));
        Assert.NotNull(SlackSignature.Refusal(null, Timestamp, Expected, Body, At, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_timestamp_more_than_five_minutes_from_now_is_refused()
    {
        Assert.Null(SlackSignature.Refusal(Secret, Timestamp, Expected, Body, At.AddMinutes(5), TimeSpan.FromMinutes(5)));
        Assert.NotNull(SlackSignature.Refusal(Secret, Timestamp, Expected, Body, At.AddMinutes(5).AddSeconds(1), TimeSpan.FromMinutes(5)));
        Assert.NotNull(SlackSignature.Refusal(Secret, Timestamp, Expected, Body, At.AddMinutes(-6), TimeSpan.FromMinutes(5)));
    }
}
