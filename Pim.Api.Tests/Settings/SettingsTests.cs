using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Settings;

[Collection(SqliteCollection.Second)]
public sealed class SettingsTests_Sqlite(SqliteApp app) : SettingsTests(app);

[Collection(PostgresCollection.Name)]
public sealed class SettingsTests_Postgres(PostgresApp app) : SettingsTests(app);

/// <summary>Role settings: ETag and If-Match, audited with old and new values.</summary>
public abstract class SettingsTests(PimApp app)
{
    [Fact]
    public async Task Settings_changes_need_the_current_ETag_and_are_audited_with_old_and_new_values()
    {
        var s = await Scenario.OnboardAsync(app);
        using var read = await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings"));
        var defaults = await read.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("PT1H", true, true, false, false, "P1D"), (defaults.GetProperty("activation").Str("maximumDuration"),
            defaults.GetProperty("activation").GetProperty("requireMfa").GetBoolean(), defaults.GetProperty("activation").GetProperty("requireJustification").GetBoolean(),
            defaults.GetProperty("activation").GetProperty("requireTicket").GetBoolean(), defaults.GetProperty("activation").GetProperty("requireApproval").GetBoolean(),
            defaults.GetProperty("activation").Str("approvalTimeout")));
        var etag = read.Headers.ETag!.ToString();

        async Task<HttpResponseMessage> Put(object document, string? ifMatch)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, s.Path("/roles/exchange-administrator/settings")) { Content = JsonContent.Create(document) };
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return await s.Alice.SendAsync(request);
        }

        await (await Put(ScenarioSettings.Document(requireTicket: true), null)).ExpectProblemAsync(HttpStatusCode.PreconditionRequired, "precondition-required");
        using var saved = await Put(ScenarioSettings.Document(requireTicket: true), etag);
        await saved.ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(etag, saved.Headers.ETag!.ToString());
        await (await Put(ScenarioSettings.Document(requireTicket: false), etag)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed");
        await (await Put(ScenarioSettings.Document(maximumDuration: "PT10M"), saved.Headers.ETag!.ToString())).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await Put(ScenarioSettings.Document(maximumDuration: "PT73H"), saved.Headers.ETag!.ToString())).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await Put(ScenarioSettings.Document(requireApproval: true, approvers: ["nobody"]), saved.Headers.ETag!.ToString()))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-approver");
        await (await s.Bob.PutJsonAsync(s.Path("/roles/exchange-administrator/settings"), ScenarioSettings.Document()))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var audit = (await s.AuditAsync("action=roleSettings.updated")).EnumerateArray().Single();
        var details = JsonDocument.Parse(audit.Str("details")).RootElement;
        Assert.False(details.GetProperty("oldValue").GetProperty("activation").GetProperty("requireTicket").GetBoolean());
        Assert.True(details.GetProperty("newValue").GetProperty("activation").GetProperty("requireTicket").GetBoolean());
    }
}
