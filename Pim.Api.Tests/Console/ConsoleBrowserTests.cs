using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Console;

[Collection(SqliteConsoleBrowserCollection.Name)]
public sealed class ConsoleBrowserTests_Sqlite(SqliteConsoleBrowser browser) : ConsoleBrowserTests(browser);

[Collection(PostgresConsoleBrowserCollection.Name)]
public sealed class ConsoleBrowserTests_Postgres(PostgresConsoleBrowser browser) : ConsoleBrowserTests(browser);

/// <summary>
/// The brief's walk, end to end in Chromium, signed in at a real OpenID Provider: Alice consents, signs up the directory
/// roles, makes Bob eligible for Exchange Administrator and requires a ticket and approval; Bob signs in, sees the role,
/// activates it with a ticket and sees it pending; Alice approves from the link in her email; Bob's page, never
/// reloaded, reads "Access valid until …". Every page on the way passes axe-core and is saved as a screenshot.
/// </summary>
public abstract class ConsoleBrowserTests(ConsoleBrowser browser)
{
    public static async Task<(string Tenant, string BobAssignment)> DirectoryAsync(ConsoleBrowser browser)
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        using var op = browser.Operator(tenant);
        await op.PutJsonAsync($"/v1/tenants/{tenant}", new { displayName = "Contoso" }).ExpectAsync(HttpStatusCode.Created);
        foreach (var (id, name) in new[] { ("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol") })
            await op.PutJsonAsync($"/v1/tenants/{tenant}/principals/{id}", new { kind = "user", displayName = name, email = $"{id}@{tenant}.example" })
                .ExpectAsync(HttpStatusCode.Created);
        await op.PostJsonAsync($"/v1/tenants/{tenant}/role-assignments", new { principalId = "alice", roleId = "global-administrator", type = "active" })
            .ExpectAsync(HttpStatusCode.Created);
        var bob = await op.PostJsonAsync($"/v1/tenants/{tenant}/role-assignments", new { principalId = "bob", roleId = "exchange-administrator", type = "active" })
            .ExpectAsync(HttpStatusCode.Created);
        return (tenant, bob.Str("id"));
    }

    [Fact]
    public async Task The_briefs_walk_from_consent_to_access_valid_until_without_a_reload()
    {
        var (tenant, _) = await DirectoryAsync(browser);
        await using var aliceContext = await browser.NewContextAsync();
        var alice = await aliceContext.NewPageAsync();

        // Alice signs in at the identity provider; the tenant is not set up yet, and the console leads her to Administration.
        await alice.GotoAsync("/console");
        await ConsoleBrowser.SignInAtProviderAsync(alice, "alice", tenant, mfa: true);
        await Assertions.Expect(alice.GetByRole(AriaRole.Heading, new() { Name = "Not set up yet" })).ToBeVisibleAsync();
        await alice.GetByRole(AriaRole.Link, new() { Name = "Open Administration to consent and sign up" }).ClickAsync();
        await Assertions.Expect(alice.GetByRole(AriaRole.Button, new() { Name = "Sign up directory roles" })).ToBeDisabledAsync();
        await browser.CheckPageAsync(alice, "administration-before-consent");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Consent to PIM" }).ClickAsync();
        await Assertions.Expect(alice.GetByText("Consent recorded")).ToBeVisibleAsync();
        await alice.GetByRole(AriaRole.Button, new() { Name = "Sign up directory roles" }).ClickAsync();
        await Assertions.Expect(alice.GetByText("Directory roles are signed up.").First).ToBeVisibleAsync();
        await browser.CheckPageAsync(alice, "administration");

        // Make Bob eligible, after the preview of what it breaks.
        await alice.GetByRole(AriaRole.Link, new() { Name = "Exchange Administrator" }).ClickAsync();
        await alice.GetByRole(AriaRole.Button, new() { Name = "Make eligible Bob" }).ClickAsync();
        await Assertions.Expect(alice.GetByRole(AriaRole.Heading, new() { Name = "Make Bob eligible?" })).ToBeVisibleAsync();
        await browser.CheckPageAsync(alice, "make-eligible-preview");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Make eligible", Exact = true }).ClickAsync();
        await Assertions.Expect(alice.GetByText("bob is now eligible for exchange-administrator")).ToBeVisibleAsync();
        await browser.CheckPageAsync(alice, "role-members");

        // Require a ticket and approval.
        await alice.GetByRole(AriaRole.Link, new() { Name = "Role settings" }).ClickAsync();
        await alice.GetByLabel("A ticket number").CheckAsync();
        await alice.GetByLabel("Approval", new() { Exact = true }).CheckAsync();
        await alice.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(alice.GetByText("Settings saved.")).ToBeVisibleAsync();
        await browser.CheckPageAsync(alice, "role-settings");

        // Bob signs in, sees the role and what it requires, and activates it with a ticket.
        await using var bobContext = await browser.NewContextAsync(width: 375, height: 812);
        var bob = await bobContext.NewPageAsync();
        await bob.GotoAsync("/console");
        await ConsoleBrowser.SignInAtProviderAsync(bob, "bob", tenant, mfa: true);
        var card = bob.Locator("li.card", new() { HasText = "Exchange Administrator" });
        await Assertions.Expect(card.GetByText("Eligible", new() { Exact = true })).ToBeVisibleAsync();
        await card.GetByText("What activating requires").ClickAsync();
        await Assertions.Expect(card.GetByText("A ticket number")).ToBeVisibleAsync();
        await browser.CheckPageAsync(bob, "my-roles-375px");
        await card.GetByRole(AriaRole.Link, new() { Name = "Activate Exchange Administrator" }).ClickAsync();
        await bob.GetByLabel("Justification (required)").FillAsync("Mailbox migration");
        await bob.GetByLabel("Ticket number (required)").FillAsync("CHG-4711");
        await bob.GetByLabel("Ticket system (optional)").FillAsync("ServiceNow");
        await browser.CheckPageAsync(bob, "activate-375px");
        await bob.GetByRole(AriaRole.Button, new() { Name = "Activate" }).ClickAsync();
        var status = bob.Locator("[data-status]");
        await Assertions.Expect(status).ToHaveTextAsync("Pending approval: 0 of 1 approval");
        await browser.CheckPageAsync(bob, "request-pending-375px");
        var requestUrl = bob.Url;

        // Alice approves from the link in her email.
        await browser.App.DispatchAllAsync();
        var email = Assert.Single(browser.App.MailTo($"alice@{tenant}.example"), m => (m.Subject ?? "").StartsWith("PIM: approval needed"));
        var link = Regex.Match(email.TextBody ?? "", "Approve or deny it in Pim Console: (\\S+)").Groups[1].Value;
        Assert.StartsWith(browser.BaseAddress + "console/t/" + tenant + "/approvals/", link);
        await alice.GotoAsync(link);
        await Assertions.Expect(alice.GetByRole(AriaRole.Heading, new() { Name = "Bob (bob) asks for Exchange Administrator" })).ToBeVisibleAsync();
        await Assertions.Expect(alice.GetByText("CHG-4711 (ServiceNow)")).ToBeVisibleAsync();
        await browser.CheckPageAsync(alice, "approval");
        await alice.GetByLabel("Justification").FillAsync("CHG-4711 approved");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(alice.GetByText("Approved: Access valid until")).ToBeVisibleAsync();
        await browser.CheckPageAsync(alice, "approvals");
        await alice.GetByRole(AriaRole.Link, new() { Name = "Administration" }).ClickAsync();
        await alice.GetByRole(AriaRole.Link, new() { Name = "Audit" }).ClickAsync();
        await Assertions.Expect(alice.GetByText("activation.approved").First).ToBeVisibleAsync();
        await browser.CheckPageAsync(alice, "audit");
        await alice.GoBackAsync();
        await alice.GetByRole(AriaRole.Link, new() { Name = "Security alerts" }).ClickAsync();
        await browser.CheckPageAsync(alice, "alerts");
        using (var aliceApi = browser.Api("alice", tenant))
            await aliceApi.PostJsonAsync($"/v1/tenants/{tenant}/access-reviews",
                new { displayName = "Exchange admins", roleIds = new[] { "exchange-administrator" }, reviewers = "roleAdministrators" }).ExpectAsync(HttpStatusCode.Created);
        await browser.App.SweepGovernanceAsync();
        await alice.GoBackAsync();
        await alice.GetByRole(AriaRole.Link, new() { Name = "Access reviews" }).ClickAsync();
        await browser.CheckPageAsync(alice, "access-reviews");
        await alice.GetByRole(AriaRole.Link, new() { Name = "#1 of Exchange admins" }).ClickAsync();
        await Assertions.Expect(alice.GetByRole(AriaRole.Button, new() { Name = "Keep Bob's exchange-administrator" }).First).ToBeVisibleAsync();
        await browser.CheckPageAsync(alice, "review-items");
        await alice.GotoAsync($"/console/t/{tenant}/scope?scope=%2Fsubscriptions%2Fsub1");
        await Assertions.Expect(alice.GetByRole(AriaRole.Button, new() { Name = "Assign" })).ToBeVisibleAsync();
        await browser.CheckPageAsync(alice, "scope-roles");

        // Bob's page follows the request: no reload, and the time in his time zone (the UTC instant on hover).
        await Assertions.Expect(status).ToContainTextAsync("Access valid until", new() { Timeout = 15_000 });
        Assert.Equal(requestUrl, bob.Url);
        var time = status.Locator("time");
        Assert.EndsWith("Z", await time.GetAttributeAsync("datetime"));
        Assert.EndsWith("(UTC)", await time.GetAttributeAsync("title"));
        await browser.CheckPageAsync(bob, "request-active-375px");
        await bob.GetByRole(AriaRole.Link, new() { Name = "My requests", Exact = true }).ClickAsync();
        await browser.CheckPageAsync(bob, "my-requests-375px");
        await bob.GetByRole(AriaRole.Link, new() { Name = "Tenants" }).ClickAsync();
        await Assertions.Expect(bob.GetByText("(your home tenant)")).ToBeVisibleAsync();
        await browser.CheckPageAsync(bob, "tenants-375px");
    }
}
