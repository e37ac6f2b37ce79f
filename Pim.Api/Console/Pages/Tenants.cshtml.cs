using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console.Pages;

/// <summary>
/// The tenant switcher: the session's home tenant and the tenants where the person is an enabled guest
/// (<see cref="AccessService.GuestTenantsAsync"/>, the API's guest mapping read the other way), each opened as the
/// API would resolve the same token there; and any other tenant by its id.
/// </summary>
public sealed class TenantsModel(AccessService access, AuthOptions auth) : PageModel
{
    public string? Home { get; private set; }
    public IReadOnlyList<GuestTenant> Guest { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        Home = ConsoleClaims.TenantOf(User, auth) is { } tenant && ConsoleInput.IsId(tenant) ? tenant : null;
        Guest = (await access.GuestTenantsAsync(CurrentCaller.TokenOf(HttpContext), HttpContext.RequestAborted)).Where(t => ConsoleInput.IsId(t.TenantId)).ToList();
        return Page();
    }

    public static string MyRoles(string tenantId) => $"/console/t/{Uri.EscapeDataString(tenantId)}/my-roles";
}
