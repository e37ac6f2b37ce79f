using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Pim.Api.Console.Pages;

/// <summary>Sign-out (a form's POST, with its antiforgery token): the session ends at Pim, and at the identity provider where it can.</summary>
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/console");

    public async Task OnPostAsync() => await (await ConsoleSetup.SignOutAsync(HttpContext)).ExecuteAsync(HttpContext);
}
