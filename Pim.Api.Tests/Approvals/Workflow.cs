using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Approvals;

/// <summary>What the approval-workflow tests share: the settings document with stages, and the people who approve.</summary>
public static class Workflow
{
    /// <summary>A role settings document with <c>activation.approval</c> (and break-glass, notifications) as a test says.</summary>
    public static object StagedSettings(object[] stages, object[]? autoApprove = null, object? breakGlass = null, object? notifications = null,
        bool requireTicket = false, string maximumDuration = "PT2H") => new
    {
        activation = new
        {
            maximumDuration, requireMfa = true, mfaMaxAge = (string?)null, requireJustification = true, requireTicket,
            approval = new { stages, autoApprove = autoApprove ?? [] },
            breakGlass,
        },
        assignment = new { allowPermanentEligible = true, maximumEligibleDuration = "P365D", allowPermanentActive = true, maximumActiveDuration = "P180D" },
        notifications = notifications ?? new { onActivation = new { notifyRoleAdministrators = true, additionalRecipients = Array.Empty<string>() } },
    };

    public static object Stage(int required, string timeout = "PT4H", string? escalateAfter = null, string[]? escalateTo = null, params string[] approvers) =>
        new { approvers, required, timeout, escalateAfter, escalateTo = escalateTo ?? [] };

    /// <summary>Syncs a person (with an email of the scenario) or a group, as the operator does.</summary>
    public static Task SyncAsync(this Scenario s, string id, string kind = "user", params string[] memberOf) =>
        s.Operator.PutJsonAsync(s.Path($"/principals/{id}"), new
        {
            kind, displayName = char.ToUpperInvariant(id[0]) + id[1..], email = kind == "group" ? null : s.Address(id), memberOf,
        }).ExpectAnyAsync(HttpStatusCode.Created, HttpStatusCode.OK);

    /// <summary>Group exchange-owners with Ann, Ben and Cid; group security-leads with Lee; Bob eligible for Exchange Administrator.</summary>
    public static async Task<Scenario> OwnersAsync(PimApp app)
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("exchange-owners", "group");
        await s.SyncAsync("security-leads", "group");
        foreach (var owner in new[] { "ann", "ben", "cid" }) await s.SyncAsync(owner, memberOf: "exchange-owners");
        await s.SyncAsync("lee", memberOf: "security-leads");
        await s.MakeBobEligibleAsync();
        return s;
    }

    public static Task<HttpResponseMessage> Approve(this Scenario s, HttpClient approver, string requestId, string justification = "ok") =>
        approver.PostJsonAsync(s.Path($"/activation-requests/{requestId}/approve"), new { justification });

    public static Task<HttpResponseMessage> Deny(this Scenario s, HttpClient approver, string requestId, string justification = "no") =>
        approver.PostJsonAsync(s.Path($"/activation-requests/{requestId}/deny"), new { justification });

    public static async Task<JsonElement> RequestAsync(this Scenario s, string requestId) =>
        await s.Bob.GetAsync(s.Path($"/activation-requests/{requestId}")).ExpectAsync(HttpStatusCode.OK);

    public static async Task<string[]> ApprovalsOfAsync(this Scenario s, HttpClient approver) =>
        (await approver.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(r => r.Str("id")).ToArray();

    public static async Task<string[]> ActionsOfAsync(this Scenario s, string targetId) =>
        (await s.AuditAsync()).EnumerateArray().Where(e => e.Str("targetId") == targetId).Select(e => e.Str("action")).ToArray();

    /// <summary>The subjects of the emails to a person of the scenario, once the outbox has delivered them.</summary>
    public static async Task<string[]> MailSubjectsAsync(this Scenario s, string person)
    {
        await s.App.DispatchAllAsync();
        return s.App.MailTo(s.Address(person)).Select(m => m.Subject ?? "").ToArray();
    }
}
