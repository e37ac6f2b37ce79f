using Microsoft.AspNetCore.Mvc;
using Pim.Domain;

namespace Pim.Api.Console.Pages.Admin;

/// <summary>
/// The tenant's access reviews and their latest instances, with where each stands; links to the items to decide, and
/// the administrators' actions: stop an instance in progress early, apply an ended one's results. Reading is for
/// security administrators and readers, acting for PIM administrators: the use cases decide.
/// </summary>
public sealed class AdminReviewsModel(AccessReviewService reviews) : ConsolePage
{
    public const int ReviewsShown = 50;
    public const int InstancesShown = 3;

    public IReadOnlyList<(AccessReview Review, IReadOnlyList<AccessReviewInstanceView> Instances)> Reviews { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public Task<IActionResult> OnPostStopAsync(string? reviewId, string? instanceId) =>
        ActAsync(reviewId, instanceId, reviews.StopAsync, "stopped: undecided items took the default");

    public Task<IActionResult> OnPostApplyAsync(string? reviewId, string? instanceId) =>
        ActAsync(reviewId, instanceId, reviews.ApplyAsync, "applied");

    private async Task<IActionResult> ActAsync(string? reviewId, string? instanceId,
        Func<Caller, string, string, CancellationToken, Task<AccessReviewInstanceView>> act, string done)
    {
        if (!ConsoleInput.IsId(reviewId) || !ConsoleInput.IsId(instanceId)) return NotFound();
        try
        {
            var view = await act(Caller, reviewId!, instanceId!, Aborted);
            Notice = $"Instance {view.Instance.Sequence} {done} ({view.Progress.Kept} kept, {view.Progress.Removed} to remove, {view.Progress.Applied} removed).";
            return Redirect(Path("/admin/reviews"));
        }
        catch (PimException refusal) when (refusal.Code is ErrorCodes.InvalidStateTransition)
        {
            Show(refusal);
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var list = new List<(AccessReview, IReadOnlyList<AccessReviewInstanceView>)>();
        foreach (var review in (await reviews.ListAsync(Caller, null, ReviewsShown, Aborted)).Items)
            list.Add((review, (await reviews.ListInstancesAsync(Caller, review.Id, null, InstancesShown, Aborted)).Items));
        Reviews = list;
    }
}
