using Microsoft.AspNetCore.Mvc;
using Pim.Domain;

namespace Pim.Api.Console.Pages;

/// <summary>The requests the caller may decide now (<see cref="ApprovalService.PendingApprovalsAsync"/>), with what each asks for.</summary>
public sealed class ApprovalsModel(ApprovalService approvals, IPrincipals principals) : ConsolePage
{
    public IReadOnlyList<ActivationSnapshot> Items { get; private set; } = [];
    private Dictionary<string, Principal> _names = [];

    public async Task<IActionResult> OnGetAsync()
    {
        Items = (await approvals.PendingApprovalsAsync(Caller, null, 100, Aborted)).Items;
        _names = (await principals.FindManyAsync(TenantId, Items.Select(s => s.Request.PrincipalId).Distinct().ToList(), Aborted)).ToDictionary(p => p.Id);
        return Page();
    }

    public string NameOf(string principalId) => _names.TryGetValue(principalId, out var p) ? $"{p.DisplayName} ({p.Id})" : principalId;
}
