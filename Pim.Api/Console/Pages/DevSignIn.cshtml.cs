using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.IdentityModel.JsonWebTokens;
using Pim.Api.Http;

namespace Pim.Api.Console.Pages;

/// <summary>
/// The development issuer's sign-in page (Development only, from this machine only, judged by the connection as
/// <c>/dev/token</c> is): choose a subject, a tenant and MFA. It mints the token <c>/dev/token</c> would and opens the
/// session from that token's claims, as an identity provider's sign-in does from its identity token.
/// </summary>
public sealed class DevSignInModel(ConsoleSignIn signIn, AuthOptions auth, IServiceProvider services, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Subject { get; set; }
    [BindProperty(SupportsGet = true)] public string? Tenant { get; set; }
    [BindProperty(SupportsGet = true)] public bool Mfa { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? FormError { get; private set; }

    public IActionResult OnGet() => Available ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!Available) return NotFound();
        if (!ConsoleInput.IsId(Subject) || !ConsoleInput.IsId(Tenant))
        {
            FormError = "Subject and tenant are ids: letters, digits, '.', '_', '@' or '-', starting with a letter or digit.";
            return Page();
        }
        var issuer = services.GetRequiredService<DevTokenIssuer>();
        var token = new JsonWebToken(issuer.Issue(Subject!, Tenant, Mfa, [], time.GetUtcNow()));
        var principal = ConsoleClaims.FromToken(new ClaimsPrincipal(new ClaimsIdentity(token.Claims, "dev")), auth);
        await HttpContext.SignInAsync(ConsoleSetup.CookieScheme, principal, new AuthenticationProperties
        {
            ExpiresUtc = new DateTimeOffset(token.ValidTo, TimeSpan.Zero),
            IsPersistent = false,
            AllowRefresh = false,
        });
        return Redirect(ReturnUrls.Safe(ReturnUrl));
    }

    private bool Available => signIn.Development && HttpContext.IsLoopbackConnection();
}
