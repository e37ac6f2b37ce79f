using System.Net;
using Microsoft.Playwright;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Console;

/// <summary>
/// Sessions in a real browser at a real OpenID Provider (SQLite; the store plays no part): step-up to MFA and back to
/// the form, sign-out at Pim and at the provider, a session cookie replayed after sign-out, a session outliving its
/// identity token, the cookie's attributes, framing, and the keyboard alone.
/// </summary>
[Collection(SqliteConsoleBrowserCollection.Name)]
public sealed class ConsoleSessionBrowserTests(SqliteConsoleBrowser browser)
{
    [Fact]
    public async Task A_role_that_needs_MFA_sends_Bob_to_the_provider_for_it_and_back_to_what_he_typed()
    {
        var tenant = await EligibleBobAsync();
        await using var context = await browser.NewContextAsync();
        var bob = await context.NewPageAsync();
        await bob.GotoAsync($"/console/t/{tenant}/activate/exchange-administrator?scope=%2F");
        await ConsoleBrowser.SignInAtProviderAsync(bob, "bob", tenant, mfa: false);
        await bob.GetByLabel("Justification (required)").FillAsync("Quarterly <b>export</b>");
        await bob.GetByLabel("Ticket number (optional)").FillAsync("INC-77");
        var asked = browser.Provider.AuthorizationRequests.Count;
        await bob.GetByRole(AriaRole.Button, new() { Name = "Activate" }).ClickAsync();

        // At the provider again, asked for a fresh sign-in; with the second factor, back at the form as it was.
        await ConsoleBrowser.SignInAtProviderAsync(bob, "bob", tenant, mfa: true);
        var stepUp = browser.Provider.AuthorizationRequests.ToArray()[asked];
        Assert.Equal(("login", "0"), stepUp);
        await Assertions.Expect(bob.GetByText("You signed in again with multi-factor authentication.")).ToBeVisibleAsync();
        await Assertions.Expect(bob.GetByLabel("Justification (required)")).ToHaveValueAsync("Quarterly <b>export</b>");
        await Assertions.Expect(bob.GetByLabel("Ticket number (optional)")).ToHaveValueAsync("INC-77");
        await browser.CheckPageAsync(bob, "activate-after-step-up");
        await bob.GetByRole(AriaRole.Button, new() { Name = "Activate" }).ClickAsync();
        await Assertions.Expect(bob.Locator("[data-status]")).ToContainTextAsync("Access valid until");
    }

    [Fact]
    public async Task Sign_out_ends_the_session_at_Pim_and_at_the_provider_and_the_old_cookie_opens_nothing()
    {
        var tenant = await EligibleBobAsync();
        await using var context = await browser.NewContextAsync();
        var bob = await context.NewPageAsync();
        await bob.GotoAsync("/console");
        await ConsoleBrowser.SignInAtProviderAsync(bob, "bob", tenant, mfa: true);
        await Assertions.Expect(bob.GetByRole(AriaRole.Heading, new() { Name = "My roles" })).ToBeVisibleAsync();
        var session = Assert.Single(await context.CookiesAsync(), c => c.Name == "__Host-pim-console");
        Assert.True(session.Secure);
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        Assert.Equal("/", session.Path);
        Assert.Equal(-1, session.Expires); // a session cookie: it is the server that ends the session

        var signOuts = browser.Provider.SignOuts.Count;
        await bob.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(bob.GetByRole(AriaRole.Heading, new() { Name = "Signed out" })).ToBeVisibleAsync();
        Assert.Equal([true], browser.Provider.SignOuts.Skip(signOuts).ToArray()); // with the id_token_hint
        await browser.CheckPageAsync(bob, "signed-out");

        // The cookie as it was before sign-out, replayed in another browser profile: the console sends it to sign in.
        await using var thief = await browser.NewContextAsync();
        await thief.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = session.Name, Value = session.Value, Url = browser.BaseAddress.ToString() }]);
        var page = await thief.NewPageAsync();
        await page.GotoAsync($"/console/t/{tenant}/my-roles");
        await page.WaitForURLAsync(url => url.Contains("/connect/authorize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_ends_with_its_identity_token()
    {
        var tenant = await EligibleBobAsync();
        await using var context = await browser.NewContextAsync();
        var bob = await context.NewPageAsync();
        await bob.GotoAsync("/console");
        await ConsoleBrowser.SignInAtProviderAsync(bob, "bob", tenant, mfa: true);
        await Assertions.Expect(bob.GetByRole(AriaRole.Heading, new() { Name = "My roles" })).ToBeVisibleAsync();

        browser.App.Time.Advance(OidcProvider.IdentityTokenLifetime + TimeSpan.FromMinutes(1));
        await bob.ReloadAsync();
        await bob.WaitForURLAsync(url => url.Contains("/connect/authorize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_console_refuses_to_be_framed_and_runs_no_inline_script()
    {
        var tenant = await EligibleBobAsync();
        await using var context = await browser.NewContextAsync();
        var bob = await context.NewPageAsync();
        await bob.GotoAsync("/console");
        await ConsoleBrowser.SignInAtProviderAsync(bob, "bob", tenant, mfa: true);
        var violations = new List<string>();
        bob.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) violations.Add(message.Text); };

        // A script injected into the page is not run (no 'unsafe-inline'); the console's own file is.
        await bob.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.appendChild(s); }");
        Assert.False(await bob.EvaluateAsync<bool>("() => window.injected === true"));
        Assert.NotEmpty(violations);

        // Another site framing the console gets nothing.
        var attacker = await context.NewPageAsync();
        await attacker.SetContentAsync($"<iframe id=\"f\" src=\"{browser.BaseAddress}console/t/{tenant}/my-roles\"></iframe>");
        await attacker.WaitForTimeoutAsync(0);
        var frame = await (await attacker.QuerySelectorAsync("#f"))!.ContentFrameAsync();
        Assert.True(frame is null || !(await frame.ContentAsync()).Contains("My roles", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bob_activates_with_the_keyboard_alone()
    {
        var tenant = await EligibleBobAsync();
        await using var context = await browser.NewContextAsync();
        var bob = await context.NewPageAsync();
        await bob.GotoAsync("/console");
        await ConsoleBrowser.SignInAtProviderAsync(bob, "bob", tenant, mfa: true);
        await bob.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await ActiveAsync(bob));
        await TabToAsync(bob, "Activate Exchange Administrator");
        await bob.Keyboard.PressAsync("Enter");
        await Assertions.Expect(bob.GetByRole(AriaRole.Heading, new() { Name = "Activate Exchange Administrator" })).ToBeVisibleAsync();
        await TabToAsync(bob, "#Justification");
        await bob.Keyboard.TypeAsync("Keyboard only");
        await bob.Keyboard.PressAsync("Tab");
        Assert.Equal("#TicketNumber", await ActiveAsync(bob));
        await bob.Keyboard.TypeAsync("CHG-1");
        await TabToAsync(bob, "Activate");
        await bob.Keyboard.PressAsync("Enter");
        await Assertions.Expect(bob.Locator("[data-status]")).ToContainTextAsync("Access valid until");
    }

    /// <summary>What has the keyboard's focus: a field as #id, anything else by its text.</summary>
    private static Task<string> ActiveAsync(IPage page) =>
        page.EvaluateAsync<string>("() => document.activeElement.id ? '#' + document.activeElement.id : document.activeElement.textContent.trim()");

    /// <summary>Presses Tab until <paramref name="target"/> has the focus (at most 40 times).</summary>
    private static async Task TabToAsync(IPage page, string target)
    {
        for (var i = 0; i < 40 && await ActiveAsync(page) != target; i++) await page.Keyboard.PressAsync("Tab");
        Assert.Equal(target, await ActiveAsync(page));
    }

    /// <summary>A tenant where Alice has consented and signed up, and Bob is eligible for Exchange Administrator (its default settings: MFA, justification).</summary>
    private async Task<string> EligibleBobAsync()
    {
        var (tenant, assignment) = await ConsoleBrowserTests.DirectoryAsync(browser);
        using var alice = browser.Api("alice", tenant);
        await alice.PostJsonAsync($"/v1/tenants/{tenant}/consent").ExpectAsync(HttpStatusCode.OK);
        await alice.PostJsonAsync($"/v1/tenants/{tenant}/sign-ups", new { area = "directoryRoles" }).ExpectAsync(HttpStatusCode.Created);
        await alice.PostJsonAsync($"/v1/tenants/{tenant}/role-assignments/{assignment}/make-eligible").ExpectAsync(HttpStatusCode.OK);
        return tenant;
    }
}
