using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pim.Api.Http;

namespace Pim.Api.Console.Pages;

/// <summary>
/// Sign-in, and step-up to a fresh multi-factor sign-in (<c>stepUp=true</c>): to the identity provider (authorization
/// code + PKCE; a step-up asks it for a new sign-in with <c>Pim:Console:StepUp</c>), or to the development sign-in page.
/// Afterwards the browser goes back only to a console page (<see cref="ReturnUrls.Safe"/>).
/// </summary>
public sealed class SignInModel(ConsoleSignIn signIn, AuthOptions auth) : PageModel
{
    public IActionResult OnGet(string? returnUrl, bool stepUp = false)
    {
        var target = ReturnUrls.Safe(returnUrl);
        if (signIn.OpenIdConnect)
        {
            var properties = new AuthenticationProperties { RedirectUri = target };
            if (stepUp) properties.Items[ConsoleSetup.StepUpItem] = "mfa";
            return Challenge(properties, ConsoleSetup.OidcScheme);
        }
        var query = $"?returnUrl={Uri.EscapeDataString(target)}";
        if (stepUp && User.Identity?.IsAuthenticated == true)
            query += $"&subject={Uri.EscapeDataString(User.FindFirst(auth.Claims.Subject)?.Value ?? "")}" +
                     $"&tenant={Uri.EscapeDataString(ConsoleClaims.TenantOf(User, auth) ?? "")}&mfa=true";
        return Redirect("/console/dev/sign-in" + query);
    }
}
