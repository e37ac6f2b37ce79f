using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console.Pages;

/// <summary>
/// One request to decide (the page every "approval needed" email links to): what it asks, where its approval stands,
/// the requester's recent activations (for those who may read them), approve or deny with a justification.
/// </summary>
public sealed class ApprovalModel(ActivationService activations, ApprovalService approvals, IPrincipals principals, ICustomRoles roles)
    : ConsolePage
{
    public const int RecentShown = 10;

    [FromRoute] public string RequestId { get; set; } = "";
    [BindProperty] public string? Justification { get; set; }
    public ActivationSnapshot Snapshot { get; private set; } = null!;
    public string RoleName { get; private set; } = "";
    public string RequesterName { get; private set; } = "";
    public bool MayDecide { get; private set; }
    public IReadOnlyList<ActivationSnapshot>? Recent { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!ConsoleInput.IsId(RequestId)) return NotFound();
        await LoadAsync();
        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync() => DecideAsync(approve: true);

    public Task<IActionResult> OnPostDenyAsync() => DecideAsync(approve: false);

    private async Task<IActionResult> DecideAsync(bool approve)
    {
        if (!ConsoleInput.IsId(RequestId)) return NotFound();
        Justification = ConsoleInput.Text(this, nameof(Justification), Justification, Rules.MaxJustification);
        if (FieldErrors.Count == 0)
        {
            try
            {
                var decided = approve ? await approvals.ApproveAsync(Caller, RequestId, Justification, Aborted)
                    : await approvals.DenyAsync(Caller, RequestId, Justification, Aborted);
                Notice = $"{(approve ? "Approved" : "Denied")}: {RequestView.Of(decided).Headline}.";
                return Redirect(Path("/approvals"));
            }
            catch (PimException refusal) when (refusal.Code is not (ErrorCodes.NotFound or ErrorCodes.ConsentRequired))
            {
                Show(refusal);
            }
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Snapshot = await activations.GetAsync(Caller, RequestId, Aborted);
        var request = Snapshot.Request;
        RoleName = await roles.RoleNameAsync(TenantId, request.RoleId, Aborted);
        var requester = await principals.FindAsync(TenantId, request.PrincipalId, Aborted);
        RequesterName = requester is null ? request.PrincipalId : $"{requester.DisplayName} ({requester.Id})";
        var waiting = (await approvals.PendingApprovalsAsync(Caller, null, 100, Aborted)).Items;
        MayDecide = waiting.Any(s => s.Request.Id == RequestId);
        try
        {
            var history = await activations.ListAsync(Caller, new ActivationFilter(request.PrincipalId, null, null, null, 50), Aborted);
            Recent = history.Items.Where(s => s.Request.Id != RequestId).OrderByDescending(s => s.Request.RequestedAt).Take(RecentShown).ToList();
        }
        catch (PimException refusal) when (refusal.Code == ErrorCodes.Forbidden)
        {
            Recent = null;
        }
    }
}
