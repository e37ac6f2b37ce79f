using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console.Pages;

/// <summary>
/// An access review instance's items for the signed-in reviewer (the page every review email links to), each with Pim's
/// recommendation and why; keep or remove, with a justification. The use case decides which items are the caller's
/// (never its own assignments, unless it is a self-review) and whether it may decide them; the review's name and
/// progress show only to those who may read reviews (a reviewer need not be one).
/// </summary>
public sealed class ReviewModel(AccessReviewService reviews) : ConsolePage
{
    public const int Shown = 100;

    [FromRoute] public string ReviewId { get; set; } = "";
    [FromRoute] public string InstanceId { get; set; } = "";

    /// <summary>The review and its instance; null when the caller reviews without reading reviews.</summary>
    public AccessReview? Review { get; private set; }
    public AccessReviewInstanceView? Instance { get; private set; }
    public IReadOnlyList<AccessReviewItemView> Items { get; private set; } = [];
    public bool More { get; private set; }

    /// <summary>The item whose decision was refused on its field (its form shows the message).</summary>
    public string? FailedItem { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!ConsoleInput.IsId(ReviewId) || !ConsoleInput.IsId(InstanceId)) return NotFound();
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostDecideAsync(string? assignmentId, string? decision, string? justification)
    {
        if (!ConsoleInput.IsId(ReviewId) || !ConsoleInput.IsId(InstanceId) || !ConsoleInput.IsId(assignmentId)) return NotFound();
        if (AccessReviewDecisions.ParseDecision(decision) is not { } choice) return BadRequest();
        justification = ConsoleInput.Text(this, "Justification", justification, Rules.MaxJustification);
        if (FieldErrors.Count == 0)
        {
            try
            {
                var decided = await reviews.DecideAsync(Caller, ReviewId, InstanceId, assignmentId!, choice, justification, Aborted);
                Notice = $"Decided {AccessReviewDecisions.ToText(choice)}: {decided.Item.PrincipalDisplayName ?? decided.Item.PrincipalId}'s {decided.Item.RoleId} at {decided.Item.Scope}.";
                return Redirect(Path($"/reviews/{Uri.EscapeDataString(ReviewId)}/{Uri.EscapeDataString(InstanceId)}"));
            }
            catch (PimException refusal) when (refusal.Code is not (ErrorCodes.NotFound or ErrorCodes.ConsentRequired or ErrorCodes.Forbidden
                                                   or ErrorCodes.PrincipalDisabled))
            {
                Show(refusal);
            }
        }
        FailedItem = assignmentId;
        if (FieldErrors.Count > 0 && FormError is null) FormError = string.Join(" ", FieldErrors.Values);
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var page = await reviews.ReviewerItemsAsync(Caller, ReviewId, InstanceId, null, Shown, Aborted);
        Items = page.Items;
        More = page.NextPageToken is not null;
        try
        {
            Review = await reviews.GetAsync(Caller, ReviewId, Aborted);
            Instance = await reviews.GetInstanceAsync(Caller, ReviewId, InstanceId, Aborted);
        }
        catch (PimException refusal) when (refusal.Code == ErrorCodes.Forbidden)
        {
            Review = null;
            Instance = null;
        }
    }
}
