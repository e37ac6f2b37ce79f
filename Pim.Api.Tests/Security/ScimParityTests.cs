using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;
using Pim.Domain;
using Pim.Infrastructure;
using static Pim.Api.Tests.Approvals.Workflow;
using static Pim.Api.Tests.Scim.ScimTests;

namespace Pim.Api.Tests.Security;

[Collection(SqliteCollection.Second)]
public sealed class ScimParityTests_Sqlite(SqliteApp app) : ScimParityTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ScimParityTests_Postgres(PostgresApp app) : ScimParityTests(app);

/// <summary>
/// Trust boundary: SCIM writes the directory Pim mails and decides on, so it holds what the native API holds. A
/// principal's email is one address and its names one line, whichever API writes them (<see cref="PrincipalValues"/>);
/// a value stored behind Pim's back that breaks those rules makes no email fail for everyone nor forges a line in one;
/// a SCIM PUT that leaves out <c>active</c> enables nobody; a filter's control characters are a SCIM error on both stores;
/// and the audit of a SCIM change says what changed.
/// </summary>
public abstract class ScimParityTests(PimApp app)
{
    /// <summary>Emails that are not one address: a list (every email that includes it would fail), a display-name form, a header injected.</summary>
    public static TheoryData<string> NotOneAddress() =>
        ["victim@contoso.example, attacker@evil.example", "victim@contoso.example,attacker@evil.example", "Victim <victim@contoso.example>",
         "victim@contoso.example\r\nBcc: attacker@evil.example", "victim@contoso.example\u0000", "vic tim@contoso.example"];

    /// <summary>
    /// What would break a name into lines, or hide in one, and reached a name before: line feed, carriage return and tab (through
    /// name.formatted), next line (C1) and line separator (everywhere). NUL and the other C0 characters the wire refused already.
    /// </summary>
    public static TheoryData<string> LineBreakers() => ["\n", "\r", "\t", "\u0085", "\u2028"];

    private static string Patch(params string[] operations) => $$"""{"schemas":["{{PatchUrn}}"],"Operations":[{{string.Join(",", operations)}}]}""";

    private static string Json(string value) => JsonSerializer.Serialize(value);

    /// <summary>Writes a column of a principal without any write path of Pim's (an old version, a restore, someone with the database's password).</summary>
    private async Task BehindPimsBackAsync(Scenario s, string principalId, string column, string value)
    {
        var store = app.Services.GetRequiredService<Store>();
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE principals SET {column} = @value WHERE tenant_id = @tenant AND principal_id = @id";
        foreach (var (name, parameter) in new[] { ("value", value), ("tenant", s.Id), ("id", principalId) })
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = parameter;
            command.Parameters.Add(p);
        }
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>Exchange Administrator allows break-glass; Alice (Global Administrator) and Sam (Security Administrator) are told of it.</summary>
    private async Task<Scenario> BreakGlassScenarioAsync()
    {
        var s = await OwnersAsync(app);
        await s.SyncAsync("sam");
        await s.AssignAsync(s.Operator, "sam", "security-administrator", "active", HttpStatusCode.Created);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(1)], breakGlass: new { allowed = true, maximumDuration = "PT1H" }));
        return s;
    }

    private static Task<JsonElement> BreakGlassAsync(Scenario s) =>
        s.Bob.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "Exchange is down", breakGlass = true })
            .ExpectAsync(HttpStatusCode.Created);

    // ---------------------------------------------------------------- 1. one rule for every path

    [Theory]
    [MemberData(nameof(NotOneAddress))]
    public async Task An_email_that_is_not_one_address_is_refused_by_SCIM_and_by_the_native_API(string email)
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = Provisioning(s);
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users",
            $$"""{"schemas":["{{UserUrn}}"],"userName":"mallory","emails":[{"value":{{Json(email)}},"primary":true}]}"""), HttpStatusCode.BadRequest, "invalidValue");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Put, "/scim/v2/Users/carol",
            $$"""{"schemas":["{{UserUrn}}"],"userName":"carol","emails":[{"value":{{Json(email)}},"type":"work"}]}"""), HttpStatusCode.BadRequest, "invalidValue");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/carol",
            Patch($$"""{"op":"Replace","path":"emails[type eq \"work\"].value","value":{{Json(email)}}}""")), HttpStatusCode.BadRequest, "invalidValue");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/carol",
            Patch($$"""{"op":"replace","value":{"emails":[{"value":{{Json(email)}},"primary":true}] } }""")), HttpStatusCode.BadRequest, "invalidValue");
        var native = await s.Operator.PutJsonAsync(s.Path("/principals/carol"), new { kind = "user", displayName = "Carol", email })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(native.GetProperty("errors").TryGetProperty("email", out _), native.ToString());

        // Nothing was written: carol's email is the one she had, and nobody else was provisioned.
        Assert.Equal(s.Address("carol"), (await s.Alice.GetAsync(s.Path("/principals/carol")).ExpectAsync(HttpStatusCode.OK)).Str("email"));
        await s.Alice.GetAsync(s.Path("/principals/mallory")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Theory]
    [MemberData(nameof(LineBreakers))]
    public async Task A_line_break_or_control_character_in_anything_that_becomes_a_name_is_refused(string breaker)
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = Provisioning(s);
        var forged = Json($"Mallory{breaker}Approved by: the CISO");
        foreach (var user in new[]
                 {
                     $$"""{"schemas":["{{UserUrn}}"],"userName":"mallory","displayName":{{forged}}}""",
                     $$"""{"schemas":["{{UserUrn}}"],"userName":"mallory","name":{"formatted":{{forged}} } }""",
                     $$"""{"schemas":["{{UserUrn}}"],"userName":"mallory","name":{"givenName":{{forged}},"familyName":"M"} }""",
                     $$"""{"schemas":["{{UserUrn}}"],"userName":"mallory","name":{"givenName":"M","familyName":{{forged}} } }""",
                 })
            await ExpectErrorAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", user), HttpStatusCode.BadRequest, "invalidValue");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/carol", Patch($$"""{"op":"replace","path":"name.formatted","value":{{forged}}}""")),
            HttpStatusCode.BadRequest, "invalidValue");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Groups", $$"""{"schemas":["{{GroupUrn}}"],"displayName":{{forged}}}"""),
            HttpStatusCode.BadRequest, "invalidValue");
        var group = (await ExpectAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Groups", $$"""{"schemas":["{{GroupUrn}}"],"displayName":"Ops"}"""),
            HttpStatusCode.Created)).Str("id");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, $"/scim/v2/Groups/{group}", Patch($$"""{"op":"replace","path":"displayName","value":{{forged}}}""")),
            HttpStatusCode.BadRequest, "invalidValue");
        var native = await s.Operator.PutJsonAsync(s.Path("/principals/carol"), new { kind = "user", displayName = $"Mallory{breaker}Approved by: the CISO" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(native.GetProperty("errors").TryGetProperty("displayName", out _), native.ToString());

        Assert.Equal("Carol", (await s.Alice.GetAsync(s.Path("/principals/carol")).ExpectAsync(HttpStatusCode.OK)).Str("displayName"));
        Assert.Equal("Ops", (await ExpectAsync(SendAsync(scim, HttpMethod.Get, $"/scim/v2/Groups/{group}"), HttpStatusCode.OK)).Str("displayName"));
    }

    // ---------------------------------------------------------------- 2. where the values are used

    [Fact]
    public async Task A_stored_email_that_is_a_list_does_not_stop_the_break_glass_alarm_reaching_the_other_administrators()
    {
        var s = await BreakGlassScenarioAsync();
        await BehindPimsBackAsync(s, "alice", "email", $"{s.Address("alice")}, {s.Address("attacker")}");

        await BreakGlassAsync(s);
        Assert.Contains(await s.MailSubjectsAsync("sam"), m => m.StartsWith("PIM BREAK-GLASS: Bob activated Exchange Administrator", StringComparison.Ordinal));
        Assert.Empty(app.MailTo(s.Address("attacker")));
        Assert.Empty((await s.Alice.GetAsync(s.Path("/notifications?status=failed")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task An_email_queued_with_a_recipient_that_is_no_mailbox_still_reaches_the_others()
    {
        var s = await Scenario.OnboardAsync(app);
        // As a version before this fix queued it.
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<OutboxRepository>().EnqueueEmailAsync(s.Id, new EmailMessage(
                [$"{s.Address("victim")}, {s.Address("attacker")}", s.Address("alice")], "PIM BREAK-GLASS: queued before", "Body\n", []), CancellationToken.None);
        await app.DispatchAllAsync();

        Assert.Single(app.MailTo(s.Address("alice")), m => m.Subject == "PIM BREAK-GLASS: queued before");
        Assert.Empty(app.MailTo(s.Address("attacker")));
        Assert.Empty((await s.Alice.GetAsync(s.Path("/notifications?status=failed")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_stored_display_name_with_a_line_break_forges_no_line_in_an_email()
    {
        var s = await BreakGlassScenarioAsync();
        await BehindPimsBackAsync(s, "bob", "display_name", "Bob\nAcknowledged by: the CISO\r\nBcc: attacker@evil.example");

        await BreakGlassAsync(s);
        await app.DispatchAllAsync();
        var alarm = Assert.Single(app.MailTo(s.Address("sam")), m => m.Subject?.StartsWith("PIM BREAK-GLASS", StringComparison.Ordinal) == true);
        Assert.DoesNotContain('\n', alarm.Subject!);
        Assert.DoesNotContain('\r', alarm.Subject!);
        var lines = alarm.TextBody!.Split('\n');
        Assert.DoesNotContain(lines, l => l.StartsWith("Acknowledged by:", StringComparison.Ordinal) || l.StartsWith("Bcc:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Principal: Bob Acknowledged by: the CISO", StringComparison.Ordinal)); // said, on its own line
        Assert.Empty(alarm.Bcc);
    }

    // ---------------------------------------------------------------- 3. what is left out is kept

    [Fact]
    public async Task A_PUT_without_active_keeps_a_suspended_user_suspended_and_holding_nothing()
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = Provisioning(s);
        await s.AssignAsync(s.Alice, "carol", "helpdesk-administrator", "active", HttpStatusCode.Created);
        Assert.True(await s.EvaluateAsync("carol", "helpdesk-administrator"));
        await ExpectAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/carol", Patch("""{"op":"replace","path":"active","value":false}""")), HttpStatusCode.OK);
        Assert.False(await s.EvaluateAsync("carol", "helpdesk-administrator"));

        var replaced = await ExpectAsync(SendAsync(scim, HttpMethod.Put, "/scim/v2/Users/carol",
            $$"""{"schemas":["{{UserUrn}}"],"userName":"carol","displayName":"Carol C","emails":[{"value":"{{s.Address("carol")}}","primary":true}]}"""),
            HttpStatusCode.OK);
        Assert.Equal(("Carol C", false), (replaced.Str("displayName"), replaced.GetProperty("active").GetBoolean()));
        // PATCH paths that do not say active: a replace of something else, active removed or replaced by nothing.
        foreach (var operation in new[]
                 {
                     """{"op":"replace","value":{"displayName":"Carol D"}}""", """{"op":"remove","path":"active"}""",
                     """{"op":"replace","path":"active","value":null}""",
                 })
            Assert.False((await ExpectAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/carol", Patch(operation)), HttpStatusCode.OK))
                .GetProperty("active").GetBoolean());
        Assert.False((await s.Alice.GetAsync(s.Path("/principals/carol")).ExpectAsync(HttpStatusCode.OK)).GetProperty("accountEnabled").GetBoolean());
        Assert.False(await s.EvaluateAsync("carol", "helpdesk-administrator"));
        Assert.DoesNotContain("principal.enabled", await s.AuditActionsAsync());

        // A new user said nothing either: it is active.
        Assert.True((await ExpectAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""{"schemas":["{{UserUrn}}"],"userName":"dan"}"""),
            HttpStatusCode.Created)).GetProperty("active").GetBoolean());
    }

    // ---------------------------------------------------------------- 4. filters

    public static TheoryData<string, string> FiltersWithControlCharacters() => new()
    {
        { "Users", "userName eq \"a\\u0000b\"" },   // escaped in the JSON string
        { "Users", "userName eq \"a\u0000b\"" },    // as it is
        { "Users", "displayName co \"x\\u001bY\"" },
        { "Users", "emails[value eq \"a\\u0000\"]" },
        { "Users", "userName\u0000eq \"a\"" },
        { "Groups", "displayName eq \"a\\u0000b\"" },
        { "Groups", "displayName sw \"a\nb\"" },
    };

    [Theory]
    [MemberData(nameof(FiltersWithControlCharacters))]
    public async Task A_filter_with_a_control_character_is_an_invalid_filter_never_a_500(string resource, string filter)
    {
        var s = await Scenario.OnboardAsync(app);
        await ExpectErrorAsync(SendAsync(Provisioning(s), HttpMethod.Get, $"/scim/v2/{resource}?filter={Uri.EscapeDataString(filter)}"),
            HttpStatusCode.BadRequest, "invalidFilter");
    }

    // ---------------------------------------------------------------- 5. the audit

    private static async Task<JsonElement[]> DetailsAsync(Scenario s, string action, string targetId) =>
        [.. (await s.AuditAsync($"action={action}")).EnumerateArray().Where(e => e.Str("targetId") == targetId)
            .Select(e => JsonSerializer.Deserialize<JsonElement>(e.Str("details")))];

    [Fact]
    public async Task The_audit_of_a_SCIM_change_records_the_old_and_the_new_values()
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = Provisioning(s);
        await ExpectAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""
            {"schemas":["{{UserUrn}}"],"userName":"dan@corp.example","externalId":"oid-dan","displayName":"Dan",
             "emails":[{"value":"dan@old.example","type":"work","primary":true}]}
            """), HttpStatusCode.Created);
        var created = Assert.Single(await DetailsAsync(s, "principal.upserted", "oid-dan"));
        Assert.Equal(JsonValueKind.Null, created.GetProperty("oldValue").ValueKind);
        var made = created.GetProperty("newValue");
        Assert.Equal(("Dan", "dan@old.example", true, "dan@corp.example", "oid-dan"), (made.Str("displayName"), made.Str("email"),
            made.GetProperty("accountEnabled").GetBoolean(), made.Str("userName"), made.Str("externalId")));

        await ExpectAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/oid-dan", Patch(
            """{"op":"Replace","path":"emails[type eq \"work\"].value","value":"dan@new.example"}""",
            """{"op":"Replace","path":"displayName","value":"Daniel"}""")), HttpStatusCode.OK);
        var changed = (await DetailsAsync(s, "principal.upserted", "oid-dan")).Single(d => d.GetProperty("oldValue").ValueKind == JsonValueKind.Object
            && d.GetProperty("oldValue").TryGetProperty("email", out _));
        Assert.Equal(("dan@old.example", "dan@new.example"), (changed.GetProperty("oldValue").Str("email"), changed.GetProperty("newValue").Str("email")));
        Assert.Equal(("Dan", "Daniel"), (changed.GetProperty("oldValue").Str("displayName"), changed.GetProperty("newValue").Str("displayName")));
        Assert.False(changed.GetProperty("newValue").TryGetProperty("userName", out _)); // unchanged: not repeated

        await ExpectAsync(SendAsync(scim, HttpMethod.Put, "/scim/v2/Users/oid-dan", $$"""
            {"schemas":["{{UserUrn}}"],"userName":"daniel@corp.example","externalId":"oid-dan","displayName":"Daniel","active":false,
             "emails":[{"value":"dan@new.example","primary":true}]}
            """), HttpStatusCode.OK);
        var replaced = (await DetailsAsync(s, "principal.upserted", "oid-dan")).Single(d => d.GetProperty("oldValue").ValueKind == JsonValueKind.Object
            && d.GetProperty("oldValue").TryGetProperty("accountEnabled", out _));
        Assert.Equal((true, false), (replaced.GetProperty("oldValue").GetProperty("accountEnabled").GetBoolean(),
            replaced.GetProperty("newValue").GetProperty("accountEnabled").GetBoolean()));
        Assert.Equal(("dan@corp.example", "daniel@corp.example"), (replaced.GetProperty("oldValue").Str("userName"), replaced.GetProperty("newValue").Str("userName")));

        await ExpectAsync(SendAsync(scim, HttpMethod.Delete, "/scim/v2/Users/oid-dan"), HttpStatusCode.NoContent);
        var deleted = Assert.Single(await DetailsAsync(s, "principal.deleted", "oid-dan"));
        Assert.Equal(("dan@new.example", "Daniel", false), (deleted.GetProperty("oldValue").Str("email"), deleted.GetProperty("oldValue").Str("displayName"),
            deleted.GetProperty("oldValue").GetProperty("accountEnabled").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, deleted.GetProperty("newValue").ValueKind);
    }
}
