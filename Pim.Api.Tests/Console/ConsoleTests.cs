using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Console;

[Collection(SqliteCollection.Second)]
public sealed class ConsoleTests_Sqlite(SqliteApp app) : ConsoleTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ConsoleTests_Postgres(PostgresApp app) : ConsoleTests(app);

/// <summary>
/// Pim Console over HTTP, signed in through the development sign-in page: what its pages do (through the same use cases
/// as the API) and the boundary it holds — antiforgery, CSP and framing, return URLs, sessions that end, text that stays
/// text, and nothing the caller's own token could not do.
/// </summary>
public abstract class ConsoleTests(PimApp app)
{
    [Fact]
    public async Task Bob_sees_the_tenants_where_he_is_an_enabled_guest_and_opens_one_as_its_guest_and_Carol_sees_none()
    {
        var s = await Scenario.OnboardAsync(app);
        var fabrikam = await Scenario.OnboardAsync(app);
        var disabled = await Scenario.OnboardAsync(app);
        await fabrikam.Operator.PutJsonAsync(fabrikam.Path(), new { displayName = "Fabrikam <Partner>" }).ExpectAsync(HttpStatusCode.OK);
        await fabrikam.Operator.PutJsonAsync(fabrikam.Path("/principals/bob-guest"), new
        {
            kind = "guest", displayName = "Bob (Contoso)", email = s.Address("bob"), homeTenantId = s.Id, homePrincipalId = "bob",
        }).ExpectAsync(HttpStatusCode.Created);
        await disabled.Operator.PutJsonAsync(disabled.Path("/principals/bob-guest"), new
        {
            kind = "guest", displayName = "Bob (Contoso)", email = s.Address("bob"), homeTenantId = s.Id, homePrincipalId = "bob", accountEnabled = false,
        }).ExpectAsync(HttpStatusCode.Created);

        var bob = await ConsoleClient.SignInAsync(app, "bob", s.Id);
        var (_, page) = await bob.GetAsync("/console/tenants", HttpStatusCode.OK);
        var text = ConsoleClient.Text(page);
        Assert.Contains($"{s.Id} (your home tenant)", text);
        Assert.Contains($"Fabrikam <Partner> ({fabrikam.Id}, as the guest bob-guest)", text);
        Assert.Contains("Fabrikam &lt;Partner&gt;", page);
        Assert.DoesNotContain(disabled.Id, text);
        Assert.Contains($"href=\"/console/t/{fabrikam.Id}/my-roles\"", page);
        var (_, there) = await bob.GetAsync($"/console/t/{fabrikam.Id}/my-roles", HttpStatusCode.OK);
        Assert.Contains("My roles", ConsoleClient.Text(there));

        var carol = await ConsoleClient.SignInAsync(app, "carol", s.Id);
        var (_, hers) = await carol.GetAsync("/console/tenants", HttpStatusCode.OK);
        Assert.Contains("You are a guest in no other tenant.", ConsoleClient.Text(hers));
        Assert.DoesNotContain(fabrikam.Id, hers);
        await ConsoleClient.Anonymous(app).GetAsync("/console/tenants", HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Bob_activates_with_a_ticket_waits_for_Alice_and_his_request_reads_access_valid_until()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireTicket: true, requireApproval: true));
        var bob = await ConsoleClient.SignInAsync(app, "bob", s.Id);

        var (_, roles) = await bob.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.OK);
        var text = ConsoleClient.Text(roles);
        Assert.Contains("Exchange Administrator", text);
        Assert.Contains("Eligible", text);
        Assert.Contains("A ticket number", text);
        Assert.Contains("Approval in 1 stage", text);

        var form = $"/console/t/{s.Id}/activate/exchange-administrator?scope=%2F";
        var action = $"/console/t/{s.Id}/activate/exchange-administrator";
        // Without a ticket: refused on the ticket's field, with what was typed kept.
        var (refused, page) = await bob.SubmitAsync(form, action, ("Scope", "/"), ("Duration", "PT1H"), ("Justification", "Mailbox migration"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("id=\"TicketNumber-error\"", page);
        Assert.Contains("require a ticket number", page);
        Assert.Contains("Mailbox migration</textarea>", page);

        var (submitted, _) = await bob.SubmitAsync(form, action, ("Scope", "/"), ("Duration", "PT1H"), ("Justification", "Mailbox migration"),
            ("TicketNumber", "CHG-4711"), ("TicketSystem", "ServiceNow"));
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var requestPage = submitted.Headers.Location!.OriginalString;
        Assert.StartsWith($"/console/t/{s.Id}/requests/", requestPage);
        var status = await StatusAsync(bob, requestPage);
        Assert.Equal("pendingApproval", status.Str("status"));
        Assert.Equal("Pending approval: 0 of 1 approval", status.Str("headline"));
        Assert.True(status.GetProperty("waiting").GetBoolean());

        var alice = await ConsoleClient.SignInAsync(app, "alice", s.Id);
        var (_, approvals) = await alice.GetAsync($"/console/t/{s.Id}/approvals", HttpStatusCode.OK);
        Assert.Contains("CHG-4711 (ServiceNow)", ConsoleClient.Text(approvals));
        var requestId = requestPage.Split('/')[^1];
        // Alice's email links to the page where she decides, Bob's to his request.
        await app.DispatchAllAsync();
        var waiting = Assert.Single(app.MailTo(s.Address("alice")), m => (m.Subject ?? "").StartsWith("PIM: approval needed"));
        Assert.Contains($"Approve or deny it in Pim Console: {PimApp.ConsolePublicUrl}/console/t/{s.Id}/approvals/{requestId}\n", waiting.TextBody);
        var (approved, _) = await alice.SubmitAsync($"/console/t/{s.Id}/approvals/{requestId}", $"/console/t/{s.Id}/approvals/{requestId}?handler=Approve",
            ("Justification", "CHG-4711 approved"));
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);

        status = await StatusAsync(bob, requestPage);
        Assert.Equal("active", status.Str("status"));
        Assert.StartsWith("Access valid until ", status.Str("headline"));
        var now = app.Time.GetUtcNow();
        Assert.Equal(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddHours(1),
            status.GetProperty("validUntil").GetDateTimeOffset());
        Assert.False(status.GetProperty("waiting").GetBoolean());
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Contains("activation.approved", await s.AuditActionsAsync("roleId=exchange-administrator"));
        await app.DispatchAllAsync();
        var decided = Assert.Single(app.MailTo(s.Address("bob")), m => (m.Subject ?? "").EndsWith("was approved"));
        Assert.Contains($"Open it in Pim Console: {PimApp.ConsolePublicUrl}{requestPage}\n", decided.TextBody);
    }

    [Fact]
    public async Task A_role_that_needs_MFA_sends_the_user_to_sign_in_again_and_brings_back_what_was_typed()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var bob = await ConsoleClient.SignInAsync(app, "bob", s.Id, mfa: false);
        var (stepUp, _) = await bob.SubmitAsync($"/console/t/{s.Id}/activate/exchange-administrator?scope=%2F", $"/console/t/{s.Id}/activate/exchange-administrator",
            ("Scope", "/"), ("Duration", "PT30M"), ("Justification", "Restore <b>mailboxes</b>"), ("TicketNumber", "INC-1"));
        Assert.Equal(HttpStatusCode.Redirect, stepUp.StatusCode);
        var signIn = stepUp.Headers.Location!.OriginalString;
        Assert.StartsWith("/console/sign-in?stepUp=true&returnUrl=", signIn);
        Assert.Empty(await s.AuditActionsAsync("action=activation.requested"));

        // The development sign-in page is asked for MFA, for the same subject and tenant, and returns to the form.
        var (toDev, _) = await bob.GetAsync(signIn, HttpStatusCode.Redirect);
        var devPage = toDev.Headers.Location!.OriginalString;
        Assert.Contains("subject=bob", devPage);
        Assert.Contains("mfa=true", devPage);
        var returnUrl = Uri.UnescapeDataString(devPage.Split("returnUrl=")[1].Split('&')[0]);
        using var signedIn = await bob.DevSignInAsync("bob", s.Id, mfa: true, returnUrl);
        var back = signedIn.Headers.Location!.OriginalString;
        Assert.StartsWith($"/console/t/{s.Id}/activate/exchange-administrator?scope=%2F&draft=", back);
        var (_, form) = await bob.GetAsync(back, HttpStatusCode.OK);
        Assert.Contains("Restore &lt;b&gt;mailboxes&lt;/b&gt;</textarea>", form);
        Assert.Contains("value=\"INC-1\"", form);
        Assert.Contains("<option value=\"PT30M\" selected=\"selected\">", form);
        // The draft is given back once.
        var (_, again) = await bob.GetAsync(back, HttpStatusCode.OK);
        Assert.DoesNotContain("INC-1", again);
    }

    [Fact]
    public async Task Every_console_answer_has_a_strict_content_security_policy_and_refuses_framing()
    {
        var s = await Scenario.OnboardAsync(app);
        var alice = await ConsoleClient.SignInAsync(app, "alice", s.Id);
        foreach (var path in new[] { "/console/dev/sign-in", $"/console/t/{s.Id}/my-roles", $"/console/t/{s.Id}/approvals", "/console/assets/console.js" })
        {
            var (response, _) = await alice.GetAsync(path);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self';", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.DoesNotContain("unsafe-eval", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("default-src 'none'", csp);
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.True(response.Headers.CacheControl!.NoStore);
        }
        // No inline script on any page: every script is the console's own file.
        var (_, html) = await alice.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.OK);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(html, "<script"));
        Assert.Contains("<script src=\"/console/assets/console.js\" defer></script>", html);
        Assert.DoesNotMatch("<[^>]+\\son[a-z]+\\s*=", html);
    }

    [Fact]
    public async Task A_form_without_its_antiforgery_token_or_with_another_sessions_is_refused_and_changes_nothing()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var bob = await ConsoleClient.SignInAsync(app, "bob", s.Id);
        var carol = await ConsoleClient.SignInAsync(app, "carol", s.Id);
        var (_, carolsPage) = await carol.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.OK);
        var fields = new[] { ("Scope", "/"), ("Duration", "PT1H"), ("Justification", "Forged") };
        var action = $"/console/t/{s.Id}/activate/exchange-administrator";

        using var absent = await bob.PostAsync(action, null, fields);
        Assert.Equal(HttpStatusCode.BadRequest, absent.StatusCode);
        using var forged = await bob.PostAsync(action, "CfDJ8forged-token", fields);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var anothers = await bob.PostAsync(action, ConsoleClient.TokenOf(carolsPage), fields);
        Assert.Equal(HttpStatusCode.BadRequest, anothers.StatusCode);
        using var signOut = await bob.PostAsync("/console/sign-out", null);
        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);

        Assert.Empty(await s.AuditActionsAsync("action=activation.requested"));
        var (_, still) = await bob.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.OK);
        Assert.Contains("Eligible", ConsoleClient.Text(still));
    }

    [Theory]
    [InlineData("https://evil.example/console")]
    [InlineData("//evil.example/console")]
    [InlineData("/\\evil.example")]
    [InlineData("/console/../v1/tenants")]
    [InlineData("/console//evil.example")]
    [InlineData("/console/%2e%2e/swagger")]
    [InlineData("/consolex")]
    [InlineData("javascript:alert(1)")]
    public async Task Sign_in_and_step_up_return_only_to_console_pages(string returnUrl)
    {
        var s = await Scenario.OnboardAsync(app);
        var client = ConsoleClient.Anonymous(app);
        using var signedIn = await client.DevSignInAsync("alice", s.Id, mfa: true, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/console", signedIn.Headers.Location!.OriginalString);

        var (toDev, _) = await client.GetAsync("/console/sign-in?stepUp=true&returnUrl=" + Uri.EscapeDataString(returnUrl), HttpStatusCode.Redirect);
        Assert.Contains("returnUrl=%2Fconsole&", toDev.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_development_sign_in_page_answers_only_this_machine()
    {
        var client = ConsoleClient.Anonymous(app);
        client.Http.DefaultRequestHeaders.Add(PimApp.RemoteIpHeader, "203.0.113.9");
        var (page, _) = await client.GetAsync("/console/dev/sign-in");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        using var post = await client.PostAsync("/console/dev/sign-in", null, ("Subject", "alice"), ("Tenant", "t"), ("Mfa", "true"));
        Assert.NotEqual(HttpStatusCode.Redirect, post.StatusCode);
    }

    [Fact]
    public async Task A_session_cookie_replayed_after_sign_out_opens_nothing()
    {
        var s = await Scenario.OnboardAsync(app);
        var alice = await ConsoleClient.SignInAsync(app, "alice", s.Id);
        var cookie = SessionCookie(alice);
        var (_, page) = await alice.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.OK);
        using var signedOut = await alice.PostAsync("/console/sign-out", ConsoleClient.TokenOf(page));
        Assert.Equal("/console/signed-out", signedOut.Headers.Location!.OriginalString);

        var replay = ConsoleClient.Anonymous(app);
        replay.Http.DefaultRequestHeaders.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        var (refused, _) = await replay.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.Redirect);
        Assert.StartsWith("/console/sign-in?returnUrl=", refused.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_session_ends_with_its_identity_token()
    {
        var s = await Scenario.OnboardAsync(app);
        var alice = await ConsoleClient.SignInAsync(app, "alice", s.Id);
        await alice.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.OK);
        Assert.True(SessionCookie(alice).HttpOnly);

        app.Time.Advance(Pim.Api.Http.DevTokenIssuer.Lifetime + TimeSpan.FromSeconds(1));
        var (ended, _) = await alice.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.Redirect);
        Assert.StartsWith("/console/sign-in", ended.Headers.Location!.OriginalString);
        // The page's script, following a request, is told so rather than redirected.
        alice.Http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        var (json, _) = await alice.GetAsync($"/console/t/{s.Id}/requests/r1?handler=status");
        Assert.Equal(HttpStatusCode.Unauthorized, json.StatusCode);
    }

    [Fact]
    public async Task Hostile_names_justifications_and_tickets_render_as_text()
    {
        var s = await Scenario.OnboardAsync(app);
        const string hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>";
        await s.Operator.PutJsonAsync(s.Path("/principals/bob"), new { kind = "user", displayName = "Bob \"><svg onload=alert(3)>", email = s.Address("bob") })
            .ExpectAsync(HttpStatusCode.OK);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true));
        var request = await s.ActivateAsync(s.Bob, justification: hostile, ticket: new { number = "<b>CHG</b>", system = "'\"><iframe>" })
            .ExpectAsync(HttpStatusCode.Created);

        var alice = await ConsoleClient.SignInAsync(app, "alice", s.Id);
        foreach (var path in new[] { $"/console/t/{s.Id}/approvals", $"/console/t/{s.Id}/approvals/{request.Str("id")}", $"/console/t/{s.Id}/requests/{request.Str("id")}" })
        {
            var (_, html) = await alice.GetAsync(path, HttpStatusCode.OK);
            Assert.DoesNotContain("<img", html);
            Assert.DoesNotContain("<script>alert", html);
            Assert.DoesNotContain("<svg", html);
            Assert.DoesNotContain("<iframe", html);
            Assert.DoesNotContain("<b>CHG", html);
            Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html);
            Assert.Contains(hostile, ConsoleClient.Text(html));
        }
    }

    [Fact]
    public async Task The_console_does_nothing_the_callers_token_could_not()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true));
        var request = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        var carol = await ConsoleClient.SignInAsync(app, "carol", s.Id);

        var (_, roles) = await carol.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.OK);
        Assert.DoesNotContain("Administration", roles);
        var (_, approvals) = await carol.GetAsync($"/console/t/{s.Id}/approvals", HttpStatusCode.OK);
        Assert.Contains("Nothing waits for your decision.", ConsoleClient.Text(approvals));
        // Not an approver: the request is not hers to read, let alone decide — as GET and POST …/approve answer her token.
        await carol.GetAsync($"/console/t/{s.Id}/approvals/{request}", HttpStatusCode.Forbidden);
        using var approve = await carol.PostAsync($"/console/t/{s.Id}/approvals/{request}?handler=Approve", ConsoleClient.TokenOf(roles), ("Justification", "me"));
        Assert.Equal(HttpStatusCode.Forbidden, approve.StatusCode);
        await carol.GetAsync($"/console/t/{s.Id}/requests/{request}", HttpStatusCode.Forbidden);
        // Bob cannot approve his own request either.
        var bob = await ConsoleClient.SignInAsync(app, "bob", s.Id);
        var (_, own) = await bob.SubmitAsync($"/console/t/{s.Id}/requests/{request}", $"/console/t/{s.Id}/approvals/{request}?handler=Approve", ("Justification", "me"));
        Assert.Contains("own", own);
        // Another tenant's session is told the tenant does not exist.
        var other = await Scenario.OnboardAsync(app);
        var stranger = await ConsoleClient.SignInAsync(app, "alice", other.Id);
        await stranger.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.NotFound);

        var read = await s.Alice.GetAsync(s.Path($"/activation-requests/{request}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pendingApproval", read.Str("status"));
        Assert.DoesNotContain("activation.approved", await s.AuditActionsAsync());
    }

    private static async Task<JsonElement> StatusAsync(ConsoleClient client, string requestPage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, requestPage + "?handler=status");
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await client.Http.SendAsync(request);
        return await response.ExpectAsync(HttpStatusCode.OK);
    }

    private static Cookie SessionCookie(ConsoleClient client) => client.Session ?? throw new InvalidOperationException("No session cookie.");
}
