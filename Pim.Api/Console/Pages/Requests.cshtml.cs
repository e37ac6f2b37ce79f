using Microsoft.AspNetCore.Mvc;
using Pim.Domain;

namespace Pim.Api.Console.Pages;

/// <summary>"My requests": the caller's activation requests with their status and approval progress.</summary>
public sealed class RequestsModel(ActivationService activations) : ConsolePage
{
    public const int PageSize = 50;
    public IReadOnlyList<ActivationSnapshot> Items { get; private set; } = [];
    public string? Next { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? after)
    {
        if (after is not null && !ConsoleInput.IsId(after)) return BadRequest();
        var page = await activations.ListAsync(Caller, new ActivationFilter(Caller.RequirePrincipal(), null, null, after, PageSize), Aborted);
        Items = page.Items.OrderByDescending(s => s.Request.RequestedAt).ToList();
        Next = page.NextPageToken;
        return Page();
    }
}
