using System.Net;
using System.Text.Json;

namespace Pim.Api.Tests.Support;

/// <summary>
/// A tenant of its own for one test: Alice is an active Global Administrator, Bob a standing Exchange Administrator,
/// Carol a plain user. <see cref="OnboardAsync"/> can also consent (Alice) and sign up directory roles.
/// </summary>
public sealed class Scenario(PimApp app, string tenantId)
{
    public PimApp App { get; } = app;
    public string Id { get; } = tenantId;
    public string BobExchangeAssignment { get; private set; } = "";

    public HttpClient Operator => App.Operator();
    public HttpClient Alice => User("alice");
    public HttpClient Bob => User("bob");
    public HttpClient Carol => User("carol");

    public HttpClient User(string subject, bool mfa = true) => App.Client(subject, Id, mfa);

    public string Path(string rest = "") => $"/v1/tenants/{Id}{rest}";

    /// <summary>The email address a principal of this scenario is synced with.</summary>
    public string Address(string name) => $"{name}@{Id}.example";

    public static async Task<Scenario> OnboardAsync(PimApp app, bool consent = true, bool signUp = true)
    {
        var scenario = new Scenario(app, "t-" + Guid.NewGuid().ToString("N")[..16]);
        var op = scenario.Operator;
        await op.PutJsonAsync(scenario.Path(), new { displayName = "Contoso" }).ExpectAsync(HttpStatusCode.Created);
        foreach (var name in new[] { "alice", "bob", "carol" })
            await op.PutJsonAsync(scenario.Path($"/principals/{name}"),
                new { kind = "user", displayName = char.ToUpperInvariant(name[0]) + name[1..], email = $"{name}@{scenario.Id}.example" })
                .ExpectAsync(HttpStatusCode.Created);
        await scenario.AssignAsync(op, "alice", "global-administrator", "active", HttpStatusCode.Created);
        scenario.BobExchangeAssignment = (await scenario.AssignAsync(op, "bob", "exchange-administrator", "active", HttpStatusCode.Created)).Str("id");
        if (consent) await scenario.Alice.PostJsonAsync(scenario.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        if (consent && signUp)
            await scenario.Alice.PostJsonAsync(scenario.Path("/sign-ups"), new { area = "directoryRoles" }).ExpectAsync(HttpStatusCode.Created);
        return scenario;
    }

    public Task<JsonElement> AssignAsync(HttpClient client, string principalId, string roleId, string type, HttpStatusCode expected,
        DateTimeOffset? endsAt = null) =>
        client.PostJsonAsync(Path("/role-assignments"), new { principalId, roleId, type, endsAt }).ExpectAsync(expected);

    public async Task<JsonElement> AuditAsync(string? query = null) =>
        (await Alice.GetAsync(Path("/audit-events?pageSize=200" + (query is null ? "" : "&" + query))).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");

    public async Task<string[]> AuditActionsAsync(string? query = null) =>
        (await AuditAsync(query)).EnumerateArray().Select(e => e.Str("action")).ToArray();

    /// <summary>
    /// Dan, a second active Privileged Role Administrator (synced by the operator): nobody grants a role to themselves, so
    /// a grant for Alice needs him.
    /// </summary>
    public async Task<HttpClient> SecondAdministratorAsync()
    {
        await SyncAsync("dan", "user", HttpStatusCode.Created);
        await AssignAsync(Operator, "dan", "privileged-role-administrator", "active", HttpStatusCode.Created);
        return User("dan");
    }

    /// <summary>Operator sync of a principal with its direct groups (a group has no email).</summary>
    public Task<JsonElement> SyncAsync(string id, string kind, HttpStatusCode expected, params string[] memberOf) =>
        Operator.PutJsonAsync(Path($"/principals/{id}"), new { kind, displayName = id, email = kind == "group" ? null : Address(id), memberOf })
            .ExpectAsync(expected);

    /// <summary>Evaluates until the grant index holds the tenant (the first evaluations of a cold tenant start its load and ask the store).</summary>
    public async Task WarmIndexAsync()
    {
        var index = App.Services.GetRequiredService<Pim.Infrastructure.GrantIndex>();
        // The change feed first hears the changes made so far: their own notifications, arriving after the load, would
        // forget the tenant again (as they should on another replica), and the index would not be what the test sees.
        var madeBefore = Environment.TickCount64;
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(10), async () =>
        {
            if (!index.HeardSince(madeBefore)) return false;
            await EvaluateAsync("alice", "global-administrator");
            return index.IsLoaded(Id);
        }), "the index never loaded the tenant");
    }

    public async Task<bool> EvaluateAsync(string principalId, string roleId)
    {
        var answer = await App.Evaluator().PostJsonAsync(Path("/access/evaluation"), new { principalId, roleId }).ExpectAsync(HttpStatusCode.OK);
        return answer.Str("decision") == "allow";
    }
}

public static class ScenarioSettings
{
    /// <summary>The role settings document with the defaults of DESIGN §4, changed where a test says.</summary>
    public static object Document(string maximumDuration = "PT1H", bool requireMfa = true, string? mfaMaxAge = null, bool requireJustification = true,
        bool requireTicket = false, bool requireApproval = false, string[]? approvers = null, string approvalTimeout = "P1D",
        bool allowPermanentEligible = true, string maximumEligibleDuration = "P365D", bool allowPermanentActive = true,
        string maximumActiveDuration = "P180D", bool? allowWorkloads = null, bool? allowGuests = null) => new
    {
        activation = new
        {
            maximumDuration, requireMfa, mfaMaxAge, requireJustification, requireTicket, requireApproval, approvers = approvers ?? [], approvalTimeout,
            allowWorkloads, allowGuests,
        },
        assignment = new { allowPermanentEligible, maximumEligibleDuration, allowPermanentActive, maximumActiveDuration },
        notifications = new { onActivation = new { notifyRoleAdministrators = true, additionalRecipients = Array.Empty<string>() } },
    };

    /// <summary>Reads the settings' ETag and replaces them (as Alice, an active Privileged Role Administrator).</summary>
    public static Task<JsonElement> SetSettingsAsync(this Scenario s, string roleId, object document) =>
        s.ReplaceAsync(s.Path($"/roles/{roleId}/settings"), document);

    /// <summary>Reads a versioned resource's ETag and replaces it with <paramref name="body"/> under If-Match (as Alice).</summary>
    public static async Task<JsonElement> ReplaceAsync(this Scenario s, string path, object body)
    {
        using var current = await s.Alice.GetAsync(path);
        await current.ExpectAsync(HttpStatusCode.OK);
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = System.Net.Http.Json.JsonContent.Create(body, options: HttpAssertions.Json) };
        request.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
        return await (await s.Alice.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>Bob's standing Exchange Administrator right, made eligible.</summary>
    public static Task MakeBobEligibleAsync(this Scenario s) =>
        s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible")).ExpectAsync(HttpStatusCode.OK);

    public static Task<HttpResponseMessage> ActivateAsync(this Scenario s, HttpClient client, string roleId = "exchange-administrator",
        string? duration = null, string? justification = "Mailbox migration", object? ticket = null, DateTimeOffset? startsAt = null) =>
        client.PostJsonAsync(s.Path("/activation-requests"), new { roleId, duration, justification, ticket, startsAt });
}
