using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace Pim.Api.Tests.Support;

/// <summary>
/// A browser's view of Pim Console without a browser (in-process, for what HTTP alone shows): a cookie jar, no
/// automatic redirects, forms posted with the antiforgery token the console's own pages carry. It signs in through the
/// development sign-in page (Development only, loopback only); <c>Console/ConsoleBrowserTests</c> sign in through a real
/// OpenID Provider in a real browser.
/// </summary>
public sealed partial class ConsoleClient(PimApp app, HttpClient http, CookieContainer cookies)
{
    public static readonly Uri BaseAddress = new("https://localhost");

    public HttpClient Http { get; } = http;
    public PimApp App { get; } = app;
    public CookieContainer Cookies { get; } = cookies;

    /// <summary>The session cookie (in Development: <c>pim-console</c>, without the <c>__Host-</c> prefix of https deployments).</summary>
    public Cookie? Session => Cookies.GetCookies(BaseAddress)["pim-console"];

    public static ConsoleClient Anonymous(PimApp app)
    {
        var cookies = new CookieContainer();
        return new ConsoleClient(app, app.CreateDefaultClient(BaseAddress, new CookieContainerHandler(cookies)), cookies);
    }

    public static async Task<ConsoleClient> SignInAsync(PimApp app, string subject, string tenantId, bool mfa = true, string? returnUrl = null)
    {
        var client = Anonymous(app);
        using var signedIn = await client.DevSignInAsync(subject, tenantId, mfa, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    public async Task<HttpResponseMessage> DevSignInAsync(string subject, string tenantId, bool mfa, string? returnUrl = null)
    {
        var (_, page) = await GetAsync("/console/dev/sign-in", HttpStatusCode.OK);
        return await PostAsync("/console/dev/sign-in", TokenOf(page),
            ("Subject", subject), ("Tenant", tenantId), ("Mfa", mfa ? "true" : "false"), ("ReturnUrl", returnUrl ?? "/console"));
    }

    public async Task<(HttpResponseMessage Response, string Html)> GetAsync(string path, HttpStatusCode? expected = null)
    {
        var response = await Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        if (expected is { } status) Assert.True(response.StatusCode == status, $"GET {path}: expected {(int)status}, got {(int)response.StatusCode}: {html}");
        return (response, html);
    }

    /// <summary>Posts a form with the given antiforgery token (null: none at all).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string? antiforgery, params (string Name, string Value)[] fields)
    {
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        if (antiforgery is not null) form.Add(new("__pim_af", antiforgery));
        return Http.PostAsync(path, new FormUrlEncodedContent(form));
    }

    /// <summary>Posts a form of the page at <paramref name="page"/> (read first, for its antiforgery token).</summary>
    public async Task<(HttpResponseMessage Response, string Html)> SubmitAsync(string page, string action, params (string Name, string Value)[] fields)
    {
        var (_, html) = await GetAsync(page, HttpStatusCode.OK);
        var response = await PostAsync(action, TokenOf(html), fields);
        return (response, await response.Content.ReadAsStringAsync());
    }

    public static string TokenOf(string html) =>
        AntiforgeryField().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token on the page:\n" + html);

    /// <summary>The text of the page's <c>main</c>, tags stripped and whitespace collapsed: what a person reads.</summary>
    public static string Text(string html)
    {
        var main = MainElement().Match(html) is { Success: true } m ? m.Groups[1].Value : html;
        return Whitespace().Replace(WebUtility.HtmlDecode(Tags().Replace(main, " ")), " ").Trim();
    }

    [GeneratedRegex("name=\"__pim_af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<main[^>]*>(.*)</main>", RegexOptions.Singleline)]
    private static partial Regex MainElement();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("\\s+")]
    private static partial Regex Whitespace();
}
