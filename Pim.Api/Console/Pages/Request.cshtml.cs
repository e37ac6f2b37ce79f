using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console.Pages;

/// <summary>
/// One activation request, for whoever may read it (the requester, its approvers, security administrators and auditors:
/// <see cref="ActivationService.GetAsync"/> decides): status, approval progress, cancel, deactivate, extend. Its status
/// is also answered as JSON (<c>?handler=status</c>), which the page's script polls to follow the request without a reload.
/// </summary>
public sealed class RequestModel(ActivationService activations, ActivationLifecycleService lifecycle, IPrincipals principals, ICustomRoles roles)
    : ConsolePage
{
    [FromRoute] public string RequestId { get; set; } = "";
    public ActivationSnapshot Snapshot { get; private set; } = null!;
    public string RoleName { get; private set; } = "";
    public string RequesterName { get; private set; } = "";
    public bool IsMine => Caller.Is(Snapshot.Request.PrincipalId);

    public async Task<IActionResult> OnGetAsync()
    {
        if (!ConsoleInput.IsId(RequestId)) return NotFound();
        await LoadAsync(await activations.GetAsync(Caller, RequestId, Aborted));
        return Page();
    }

    public async Task<IActionResult> OnGetStatusAsync()
    {
        if (!ConsoleInput.IsId(RequestId)) return NotFound();
        var view = RequestView.Of(await activations.GetAsync(Caller, RequestId, Aborted));
        return new JsonResult(new
        {
            status = view.Status, headline = view.Headline, headlinePrefix = view.HeadlinePrefix, validUntil = view.ValidUntil is { } until ? ConsoleFormat.Iso(until) : null, detail = view.Detail,
            waiting = view.Waiting,
        });
    }

    public Task<IActionResult> OnPostCancelAsync() => ActAsync(() => lifecycle.CancelAsync(Caller, RequestId, Aborted), "Request canceled.");

    public Task<IActionResult> OnPostDeactivateAsync() => ActAsync(() => lifecycle.DeactivateAsync(Caller, RequestId, Aborted), "Deactivated.");

    public async Task<IActionResult> OnPostExtendAsync(string? extendBy, string? extendJustification)
    {
        extendJustification = ConsoleInput.Text(this, "Justification", extendJustification, Rules.MaxJustification);
        if (!IsoDuration.TryParse(extendBy, out var by) || by <= TimeSpan.Zero) FieldErrors["Duration"] = "Choose a duration.";
        if (FieldErrors.Count > 0)
        {
            await LoadAsync(await activations.GetAsync(Caller, RequestId, Aborted));
            return Page();
        }
        return await ActAsync(() => lifecycle.ExtendAsync(Caller, RequestId, by, extendJustification, Aborted), "Extension requested.");
    }

    private async Task<IActionResult> ActAsync(Func<Task<ActivationSnapshot>> action, string done)
    {
        if (!ConsoleInput.IsId(RequestId)) return NotFound();
        try
        {
            await action();
            Notice = done;
            return Redirect(Path($"/requests/{Uri.EscapeDataString(RequestId)}"));
        }
        catch (PimException refusal) when (refusal.Code is not (ErrorCodes.NotFound or ErrorCodes.Forbidden))
        {
            if (refusal.Code == ErrorCodes.MfaRequired)
                return Redirect("/console/sign-in?stepUp=true&returnUrl=" + Uri.EscapeDataString(Path($"/requests/{Uri.EscapeDataString(RequestId)}")));
            Show(refusal);
            await LoadAsync(await activations.GetAsync(Caller, RequestId, Aborted));
            return Page();
        }
    }

    private async Task LoadAsync(ActivationSnapshot snapshot)
    {
        Snapshot = snapshot;
        RoleName = await roles.RoleNameAsync(TenantId, snapshot.Request.RoleId, Aborted);
        var requester = await principals.FindAsync(TenantId, snapshot.Request.PrincipalId, Aborted);
        RequesterName = requester is null ? snapshot.Request.PrincipalId : $"{requester.DisplayName} ({requester.Id})";
    }
}
