using System.Net;
using Pim.Api.Tests.Support;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Integrations;

[Collection(SqliteCollection.Second)]
public sealed class SlackConnectionTests_Sqlite(SqliteApp app) : SlackConnectionTests(app);

[Collection(PostgresCollection.Name)]
public sealed class SlackConnectionTests_Postgres(PostgresApp app) : SlackConnectionTests(app);

/// <summary>Connecting a tenant's Slack workspace: PIM administrators only, the bot token encrypted at rest and never answered.</summary>
public abstract class SlackConnectionTests(PimApp app)
{
    public const string Token = "xoxb-1234567890-abcdefghijklmnop";

    private static object Connection(string token = Token, string channel = "CAPPROVALS") => new
    {
        teamId = "T0PIMTEST", botToken = token, channel,
        routes = new object[] { new { roleId = "global-administrator", channel = "CGLOBALADM" }, new { scope = "/subscriptions/sub-1", channel = "CSUBONE" } },
    };

    [Fact]
    public async Task An_administrator_connects_Slack_and_reads_it_back_without_the_token()
    {
        var s = await Scenario.OnboardAsync(app);
        var created = await s.Alice.PutJsonAsync(s.Path("/integrations/slack"), Connection()).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("T0PIMTEST", created.Str("teamId"));
        Assert.False(created.TryGetProperty("botToken", out _));

        using var read = await s.Alice.GetAsync(s.Path("/integrations/slack"));
        var text = await read.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.DoesNotContain("xoxb", text);
        var body = await read.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("CAPPROVALS", body.Str("channel"));
        Assert.Equal(["CGLOBALADM", "CSUBONE"], body.GetProperty("routes").EnumerateArray().Select(r => r.Str("channel")));
        Assert.Equal("alice", body.Str("createdBy"));

        // Replacing it answers 200 and keeps the new channel.
        var replaced = await s.Alice.PutJsonAsync(s.Path("/integrations/slack"), Connection(channel: "CNEWCHAN")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("CNEWCHAN", replaced.Str("channel"));
        Assert.Contains("slack.connected", await s.AuditActionsAsync());
    }

    [Fact]
    public async Task The_bot_token_is_stored_encrypted_with_keys_outside_the_database()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Alice.PutJsonAsync(s.Path("/integrations/slack"), Connection()).ExpectAsync(HttpStatusCode.Created);

        await using var scope = app.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<SlackConnectionRepository>().FindTokenAsync(s.Id, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.DoesNotContain("xoxb", stored);
        Assert.DoesNotContain("1234567890", stored);
        Assert.Equal(Token, app.Services.GetRequiredService<ISecretProtector>().Unprotect(stored));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(app.DataDirectory, "keys"), "key-*.xml"));
    }

    [Fact]
    public async Task Only_the_tenants_PIM_administrators_connect_read_or_disconnect_Slack()
    {
        var s = await Scenario.OnboardAsync(app);
        var other = await Scenario.OnboardAsync(app);
        await s.Carol.PutJsonAsync(s.Path("/integrations/slack"), Connection()).ExpectProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await s.Bob.PutJsonAsync(s.Path("/integrations/slack"), Connection()).ExpectProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        // Another tenant's Global Administrator: this tenant looks like nothing at all to it.
        await other.Alice.PutJsonAsync(s.Path("/integrations/slack"), Connection()).ExpectProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);

        await s.Alice.PutJsonAsync(s.Path("/integrations/slack"), Connection()).ExpectAsync(HttpStatusCode.Created);
        await s.Carol.GetAsync(s.Path("/integrations/slack")).ExpectProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await other.Alice.GetAsync(s.Path("/integrations/slack")).ExpectProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await s.Carol.DeleteAsync(s.Path("/integrations/slack")).ExpectProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await s.Alice.GetAsync(s.Path("/integrations/slack")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Disconnecting_removes_the_connection_and_is_audited()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Alice.GetAsync(s.Path("/integrations/slack")).ExpectProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await s.Alice.PutJsonAsync(s.Path("/integrations/slack"), Connection()).ExpectAsync(HttpStatusCode.Created);
        await s.Alice.DeleteAsync(s.Path("/integrations/slack")).ExpectAsync(HttpStatusCode.NoContent);
        await s.Alice.GetAsync(s.Path("/integrations/slack")).ExpectProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await s.Alice.DeleteAsync(s.Path("/integrations/slack")).ExpectProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        Assert.Contains("slack.disconnected", await s.AuditActionsAsync());
    }

    [Fact]
    public async Task A_token_or_channel_that_is_not_Slacks_is_refused()
    {
        var s = await Scenario.OnboardAsync(app);
        var problem = await s.Alice.PutJsonAsync(s.Path("/integrations/slack"), Connection(token: "xoxp-user-token-0123456789", channel: "#security"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        Assert.True(problem.GetProperty("errors").TryGetProperty("botToken", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("channel", out _));
    }
}
