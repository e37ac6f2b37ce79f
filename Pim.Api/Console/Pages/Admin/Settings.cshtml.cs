using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console.Pages.Admin;

/// <summary>
/// A role's settings at a scope: what activating it requires. Saved with the version that was read (the API's ETag), so a
/// change made meanwhile by someone else is not overwritten unseen: the page shows it, with what this administrator had
/// chosen, and a second submit saves over it knowingly. Only the fields on the form change; every other setting is kept.
/// </summary>
public sealed class AdminSettingsModel(RoleSettingsService settings, ICustomRoles roles) : ConsolePage
{
    /// <summary>What an administrator chose, shown back when it could not be saved.</summary>
    public sealed record Choice(string MaximumDuration, bool RequireMfa, bool RequireJustification, bool RequireTicket, bool RequireApproval,
        string? Approvers, bool AllowBreakGlass);

    [FromRoute] public string RoleId { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string Scope { get; set; } = ScopePath.Root;
    public EffectiveRoleSettings Current { get; private set; } = null!;
    public string RoleName { get; private set; } = "";
    public Choice? Conflict { get; private set; }
    public bool MultiStage => Current.Settings.Activation.Stages.Count > 1;

    /// <summary>The maximum durations offered: the usual ones and the one in force, whatever it is.</summary>
    public IReadOnlyList<TimeSpan> DurationChoices =>
        [.. ConsoleFormat.DurationChoices(RoleSettings.MaximumActivationDuration).Append(Current.Settings.Activation.MaximumDuration)
            .Where(d => d >= RoleSettings.MinimumActivationDuration).Distinct().Order()];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!Valid()) return NotFound();
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int version, string? maximumDuration, bool requireMfa, bool requireJustification, bool requireTicket,
        bool requireApproval, string? approvers, bool allowBreakGlass)
    {
        if (!Valid()) return NotFound();
        await LoadAsync();
        var choice = new Choice(maximumDuration ?? "", requireMfa, requireJustification, requireTicket, requireApproval, approvers, allowBreakGlass);
        if (!IsoDuration.TryParse(maximumDuration, out var maximum) || maximum < RoleSettings.MinimumActivationDuration || maximum > RoleSettings.MaximumActivationDuration)
            FieldErrors["MaximumDuration"] = "Choose a duration.";
        var approverIds = (approvers ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        if (approverIds.Count > RoleSettings.MaximumApprovers || approverIds.Any(id => !ConsoleInput.IsId(id)))
            FieldErrors["Approvers"] = $"At most {RoleSettings.MaximumApprovers} ids of users or groups, separated by commas.";
        if (FieldErrors.Count > 0)
        {
            FormError = string.Join(" ", FieldErrors.Values);
            HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var old = Current.Settings;
        var activation = old.Activation with
        {
            MaximumDuration = maximum, RequireMfa = requireMfa, RequireJustification = requireJustification, RequireTicket = requireTicket,
            BreakGlass = old.Activation.BreakGlassPolicy with { Allowed = allowBreakGlass },
        };
        if (!MultiStage)
        {
            var timeout = old.Activation.Stages.FirstOrDefault()?.Timeout ?? old.Activation.ApprovalTimeout;
            activation = requireApproval
                ? activation.WithApproval([ApprovalStage.Single(approverIds, timeout)], old.Activation.AutoApprove,
                    old.Activation.Approval?.ChatButtons, old.ApproversNeedMfa)
                : activation.WithApproval([], [], old.Activation.Approval?.ChatButtons, old.ApproversNeedMfa);
        }
        try
        {
            Current = await settings.UpdateAsync(Caller, old with { Activation = activation }, Scope, version, Aborted);
            Notice = "Settings saved.";
            return Redirect(Path($"/admin/roles/{Uri.EscapeDataString(RoleId)}/settings?scope={Uri.EscapeDataString(Scope)}"));
        }
        catch (PimException refusal) when (refusal.Code == ErrorCodes.PreconditionFailed)
        {
            Conflict = choice;
            await LoadAsync();
            HttpContext.Response.StatusCode = StatusCodes.Status412PreconditionFailed;
            return Page();
        }
        catch (PimException refusal) when (refusal.Code is not (ErrorCodes.NotFound or ErrorCodes.Forbidden or ErrorCodes.ConsentRequired))
        {
            if (refusal.Code is ErrorCodes.UnknownApprover or ErrorCodes.ApprovalStageUnsatisfiable) FieldErrors["Approvers"] = refusal.Message;
            else Show(refusal);
            HttpContext.Response.StatusCode = Problems.StatusOf(refusal.Code);
            return Page();
        }
    }

    private bool Valid() => ConsoleInput.IsId(RoleId) && ScopePath.IsValid(Scope);

    private async Task LoadAsync()
    {
        Current = await settings.GetAsync(Caller, RoleId, Scope, Aborted);
        RoleName = await roles.RoleNameAsync(TenantId, RoleId, Aborted);
    }
}
