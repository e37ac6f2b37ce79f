using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console.Pages.Admin;

/// <summary>
/// A role's members, active and eligible: make eligible (with its impact preview first: a dry run of the use case, which
/// names the services that relied on the standing right), remove, assign.
/// </summary>
public sealed class AdminRoleModel(RoleService roles, AssignmentService assignments) : ConsolePage
{
    public const int MembersShown = 200;

    [FromRoute] public string RoleId { get; set; } = "";
    public RoleDefinition Role { get; private set; } = null!;
    public IReadOnlyList<RoleMember> Members { get; private set; } = [];
    public MakeEligibleOutcome? Preview { get; private set; }
    public string? PrincipalId { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!ConsoleInput.IsId(RoleId)) return NotFound();
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostMakeEligibleAsync(string? assignmentId, bool confirm)
    {
        if (!ConsoleInput.IsId(RoleId) || !ConsoleInput.IsId(assignmentId)) return NotFound();
        try
        {
            var outcome = await assignments.MakeEligibleAsync(Caller, assignmentId!, dryRun: !confirm, Aborted);
            if (confirm)
            {
                Notice = $"{outcome.Assignment.PrincipalId} is now eligible for {RoleId}: the standing right has ended.";
                return Redirect(Path($"/admin/roles/{Uri.EscapeDataString(RoleId)}"));
            }
            Preview = outcome;
        }
        catch (PimException refusal) when (refusal.Code is not (ErrorCodes.NotFound or ErrorCodes.Forbidden or ErrorCodes.ConsentRequired))
        {
            Show(refusal);
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? assignmentId)
    {
        if (!ConsoleInput.IsId(RoleId) || !ConsoleInput.IsId(assignmentId)) return NotFound();
        await assignments.RemoveAsync(Caller, assignmentId!, Aborted);
        Notice = "Assignment removed.";
        return Redirect(Path($"/admin/roles/{Uri.EscapeDataString(RoleId)}"));
    }

    public async Task<IActionResult> OnPostAssignAsync(string? principalId, string? type, string? scope, string? justification)
    {
        if (!ConsoleInput.IsId(RoleId)) return NotFound();
        PrincipalId = principalId;
        justification = ConsoleInput.Text(this, "Justification", justification, Rules.MaxJustification);
        if (!ConsoleInput.IsId(principalId)) FieldErrors["PrincipalId"] = "A principal's id: letters, digits, '.', '_', '@' or '-'.";
        scope = string.IsNullOrWhiteSpace(scope) ? ScopePath.Root : scope.Trim();
        if (!ScopePath.IsValid(scope)) FieldErrors["Scope"] = "A scope such as /, /subscriptions/{id} or /groups/{id}.";
        var kind = type switch { "eligible" => AssignmentType.Eligible, "active" => (AssignmentType?)AssignmentType.Active, _ => null };
        if (kind is null) FieldErrors["Type"] = "Eligible or active.";
        if (FieldErrors.Count == 0)
        {
            try
            {
                await assignments.CreateAsync(Caller, new NewAssignment(principalId!, RoleId, scope, kind!.Value, null, null, justification), Aborted);
                Notice = $"{principalId} is now {type} for {RoleId} at {scope}.";
                return Redirect(Path($"/admin/roles/{Uri.EscapeDataString(RoleId)}"));
            }
            catch (PimException refusal) when (refusal.Code is not (ErrorCodes.NotFound or ErrorCodes.Forbidden or ErrorCodes.ConsentRequired))
            {
                Show(refusal);
            }
        }
        else HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync();
        return Page();
    }

    public string NameOf(string principalId) =>
        Members.FirstOrDefault(m => m.Assignment.PrincipalId == principalId)?.Principal?.DisplayName ?? principalId;

    private async Task LoadAsync()
    {
        Role = await roles.GetAsync(Caller, RoleId, Aborted);
        Members = (await assignments.MembersAsync(Caller, RoleId, null, MembersShown, Aborted)).Items;
    }
}
