using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Pim.Api.Console.Pages;

/// <summary>Opens a tenant by id (the tenant switcher's form): a guest in another tenant works there as its guest.</summary>
public sealed class OpenModel : PageModel
{
    public IActionResult OnGet(string? tenant) =>
        ConsoleInput.IsId(tenant) ? Redirect($"/console/t/{Uri.EscapeDataString(tenant!)}/my-roles") : Redirect("/console");
}
