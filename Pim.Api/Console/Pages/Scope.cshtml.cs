using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console.Pages;

/// <summary>
/// The roles held at one resource or group scope, for the people who administer it there: an active Owner or User
/// Access Administrator of the scope (or above it), a group's active owner — as the API lets them — and the PIM
/// administrators. Assign a role at the scope and open its settings there; the use cases decide who may (the same
/// refusals as the API's), and the page reads nothing a plain user could not (the roles and what the caller holds).
/// </summary>
public sealed class ScopeModel(RoleService roles, AssignmentService assignments) : ConsolePage
{
    [BindProperty(SupportsGet = true)] public string Scope { get; set; } = "";
    public IReadOnlyList<RoleDefinition> Roles { get; private set; } = [];
    public string? PrincipalId { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!Valid()) return NotFound();
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAssignAsync(string? principalId, string? roleId, string? type, string? justification)
    {
        if (!Valid()) return NotFound();
        PrincipalId = principalId;
        justification = ConsoleInput.Text(this, "Justification", justification, Rules.MaxJustification);
        if (!ConsoleInput.IsId(principalId)) FieldErrors["PrincipalId"] = "A principal's id: letters, digits, '.', '_', '@' or '-'.";
        if (!ConsoleInput.IsId(roleId)) FieldErrors["RoleId"] = "Choose a role.";
        var kind = type switch { "eligible" => AssignmentType.Eligible, "active" => (AssignmentType?)AssignmentType.Active, _ => null };
        if (kind is null) FieldErrors["Type"] = "Eligible or active.";
        if (FieldErrors.Count == 0)
        {
            try
            {
                await assignments.CreateAsync(Caller, new NewAssignment(principalId!, roleId!, Scope, kind!.Value, null, null, justification), Aborted);
                Notice = $"{principalId} is now {type} for {roleId} at {Scope}.";
                return Redirect(Path($"/scope?scope={Uri.EscapeDataString(Scope)}"));
            }
            catch (PimException refusal) when (refusal.Code is not (ErrorCodes.NotFound or ErrorCodes.Forbidden or ErrorCodes.ConsentRequired))
            {
                Show(refusal);
            }
        }
        else HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        if (FormError is null && FieldErrors.Count > 0) FormError = string.Join(" ", FieldErrors.Values);
        await LoadAsync();
        return Page();
    }

    /// <summary>A resource or group scope: directory roles are administered in Administration, at '/'.</summary>
    private bool Valid() => ScopePath.IsValid(Scope) && Scope != ScopePath.Root;

    private async Task LoadAsync() =>
        Roles = (await roles.ListAsync(Caller, Aborted)).Where(Fits).ToList();

    private bool Fits(RoleDefinition role)
    {
        if (role.Directory) return false;
        try
        {
            role.EnsureScopeFits(Scope);
            return true;
        }
        catch (PimException)
        {
            return false;
        }
    }
}
