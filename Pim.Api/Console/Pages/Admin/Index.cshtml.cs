using Microsoft.AspNetCore.Mvc;
using Pim.Domain;

namespace Pim.Api.Console.Pages.Admin;

/// <summary>
/// Administration's start, in the brief's order: consent (an active Global Administrator), then sign-up (greyed out
/// until consent), then the tenant's roles. Each action is the use case's, which decides who may.
/// </summary>
public sealed class AdminIndexModel(TenantService tenants, RoleService roles) : ConsolePage
{
    public ConsentStatus Consent { get; private set; } = null!;
    public IReadOnlyList<SignUp> SignUps { get; private set; } = [];
    public IReadOnlyList<RoleDefinition> Roles { get; private set; } = [];
    public bool DirectorySignedUp => SignUps.Any(s => s.Area == ManagementArea.DirectoryRoles);

    public async Task<IActionResult> OnGetAsync()
    {
        EnsureAdministers();
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostConsentAsync()
    {
        await tenants.ConsentAsync(Caller, Aborted);
        Notice = "Consent recorded: PIM now manages this tenant.";
        return Redirect(Path("/admin"));
    }

    public async Task<IActionResult> OnPostSignUpAsync(string? area)
    {
        if (area != ManagementArea.DirectoryRoles) return BadRequest();
        await tenants.SignUpAsync(Caller, area, null, Aborted);
        Notice = "Directory roles are signed up.";
        return Redirect(Path("/admin"));
    }

    /// <summary>The page is for PIM administrators; a use case refuses anyone else's actions in any case.</summary>
    private void EnsureAdministers()
    {
        if (!MayAdminister) throw Caller.Refusal("Administration requires an active Global Administrator or Privileged Role Administrator role.");
    }

    private async Task LoadAsync()
    {
        Consent = await tenants.GetConsentAsync(Caller, Aborted);
        SignUps = await tenants.ListSignUpsAsync(Caller, Aborted);
        Roles = await roles.ListAsync(Caller, Aborted);
    }
}
