using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pim.Api.Http;

namespace Pim.Api.Console.Pages;

/// <summary>The console's home: the session's own tenant's "My roles", or a choice of tenant when the sign-in names none.</summary>
public sealed class IndexModel(AuthOptions auth) : PageModel
{
    public IActionResult OnGet() =>
        ConsoleClaims.TenantOf(User, auth) is { } tenant && ConsoleInput.IsId(tenant)
            ? Redirect($"/console/t/{Uri.EscapeDataString(tenant)}/my-roles")
            : Page();
}
