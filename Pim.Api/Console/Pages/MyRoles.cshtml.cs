using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console.Pages;

/// <summary>"My roles": the caller's eligible and active roles by scope, what activating each requires, where each stands; deactivate, activate several.</summary>
public sealed class MyRolesModel(ActivationService activations, ActivationLifecycleService lifecycle, TimeProvider time) : ConsolePage
{
    public IReadOnlyList<MyRole> Roles { get; private set; } = [];
    public IReadOnlyList<MyRole> Eligible => Roles.Where(r => r.Status == MyRole.Eligible).ToList();
    public IReadOnlyList<BatchItem> BatchResults { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostDeactivateAsync(string requestId)
    {
        if (!ConsoleInput.IsId(requestId)) return BadRequest();
        await lifecycle.DeactivateAsync(Caller, requestId, Aborted);
        Notice = "Deactivated.";
        return Redirect(Path("/my-roles"));
    }

    public async Task<IActionResult> OnPostBatchAsync(string[]? roleKeys, string? duration, string? justification, string? ticketNumber, string? ticketSystem)
    {
        justification = ConsoleInput.Text(this, "Justification", justification, Rules.MaxJustification);
        ticketNumber = ConsoleInput.Text(this, "TicketNumber", ticketNumber, Rules.MaxTicketNumber);
        ticketSystem = ConsoleInput.Text(this, "TicketSystem", ticketSystem, Rules.MaxTicketSystem);
        var picked = (roleKeys ?? []).Select(k => k.Split('|', 2)).Where(p => p.Length == 2 && ConsoleInput.IsId(p[0]) && ScopePath.IsValid(p[1])).ToList();
        if (picked.Count == 0) FormError = "Choose at least one role.";
        if (!IsoDuration.TryParse(duration, out var length)) FieldErrors["Duration"] = "Choose a duration.";
        if (FormError is not null || FieldErrors.Count > 0)
        {
            FormError ??= string.Join(" ", FieldErrors.Values);
            await LoadAsync();
            return Page();
        }
        var results = new List<BatchItem>();
        try
        {
            foreach (var scope in picked.GroupBy(p => p[1]))
            {
                var ask = new ActivationAsk("", scope.Key, length, justification, ticketNumber is null ? null : new Ticket(ticketNumber, ticketSystem), null);
                results.AddRange(await activations.RequestBatchAsync(Caller, scope.Select(p => p[0]).ToList(), false, ask, Aborted));
            }
        }
        catch (PimException refusal) when (refusal.Code == ErrorCodes.MfaRequired)
        {
            return Redirect("/console/sign-in?stepUp=true&returnUrl=" + Uri.EscapeDataString(Path("/my-roles")));
        }
        BatchResults = results;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Now = time.GetUtcNow();
        Roles = await activations.MyRolesAsync(Caller, Aborted);
    }

    /// <summary>An id attribute's value for any text: letters and digits kept, the rest as their code.</summary>
    public string Anchor(string text) => string.Concat(text.Select(c => char.IsAsciiLetterOrDigit(c) ? c.ToString() : ((int)c).ToString("x")));
}
