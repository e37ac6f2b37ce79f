using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console.Pages;

/// <summary>
/// Activate an eligible role: duration (capped to the role's maximum), justification, ticket, a later start, break-glass
/// where allowed. A refusal is shown on the field it concerns. When the role needs MFA the session lacks, what was typed
/// is kept (<see cref="ConsoleDrafts"/>) and the browser goes to the identity provider for a fresh multi-factor sign-in,
/// coming back here with it.
/// </summary>
public sealed class ActivateModel(ActivationService activations, ConsoleDrafts drafts) : ConsolePage
{
    [FromRoute] public string RoleId { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string Scope { get; set; } = ScopePath.Root;
    [BindProperty] public string? Duration { get; set; }
    [BindProperty] public string? Justification { get; set; }
    [BindProperty] public string? TicketNumber { get; set; }
    [BindProperty] public string? TicketSystem { get; set; }
    [BindProperty] public string? StartsAt { get; set; }
    [BindProperty] public bool BreakGlass { get; set; }

    public MyRole? Role { get; private set; }
    public bool Restored { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? draft)
    {
        if (!Valid()) return NotFound();
        if (drafts.Take(draft, Caller.Token.Subject) is { } kept)
        {
            Duration = kept.GetValueOrDefault(nameof(Duration));
            Justification = kept.GetValueOrDefault(nameof(Justification));
            TicketNumber = kept.GetValueOrDefault(nameof(TicketNumber));
            TicketSystem = kept.GetValueOrDefault(nameof(TicketSystem));
            StartsAt = kept.GetValueOrDefault(nameof(StartsAt));
            BreakGlass = kept.GetValueOrDefault(nameof(BreakGlass)) == "true";
            Restored = true;
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!Valid()) return NotFound();
        await LoadAsync();
        Justification = ConsoleInput.Text(this, nameof(Justification), Justification, Rules.MaxJustification);
        TicketNumber = ConsoleInput.Text(this, nameof(TicketNumber), TicketNumber, Rules.MaxTicketNumber);
        TicketSystem = ConsoleInput.Text(this, nameof(TicketSystem), TicketSystem, Rules.MaxTicketSystem);
        TimeSpan? duration = null;
        if (Duration is { Length: > 0 })
            if (IsoDuration.TryParse(Duration, out var parsed) && parsed > TimeSpan.Zero) duration = parsed;
            else FieldErrors[nameof(Duration)] = "Choose a duration.";
        DateTimeOffset? startsAt = null;
        if (StartsAt is { Length: > 0 })
            if (DateTime.TryParseExact(StartsAt, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start) && start.Year is >= 1970 and <= 2200)
                startsAt = new DateTimeOffset(start, TimeSpan.Zero);
            else FieldErrors[nameof(StartsAt)] = "A date and time (UTC), such as 2026-12-24T08:00.";
        if (TicketSystem is not null && TicketNumber is null) FieldErrors[nameof(TicketNumber)] = "A ticket system goes with a ticket number.";
        if (FieldErrors.Count > 0)
        {
            HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        try
        {
            var ask = new ActivationAsk(RoleId, Scope, duration, Justification, TicketNumber is null ? null : new Ticket(TicketNumber, TicketSystem), startsAt, BreakGlass);
            var request = await activations.RequestAsync(Caller, ask, Aborted);
            return Redirect(Path($"/requests/{Uri.EscapeDataString(request.Request.Id)}"));
        }
        catch (PimException refusal) when (refusal.Code == ErrorCodes.MfaRequired)
        {
            var draft = drafts.Keep(Caller.Token.Subject, new Dictionary<string, string?>
            {
                [nameof(Duration)] = Duration, [nameof(Justification)] = Justification, [nameof(TicketNumber)] = TicketNumber,
                [nameof(TicketSystem)] = TicketSystem, [nameof(StartsAt)] = StartsAt, [nameof(BreakGlass)] = BreakGlass ? "true" : null,
            });
            var back = Path($"/activate/{Uri.EscapeDataString(RoleId)}?scope={Uri.EscapeDataString(Scope)}&draft={draft}");
            return Redirect("/console/sign-in?stepUp=true&returnUrl=" + Uri.EscapeDataString(back));
        }
        catch (PimException refusal) when (refusal.Code is not (ErrorCodes.NotFound or ErrorCodes.Forbidden or ErrorCodes.ConsentRequired))
        {
            Show(refusal);
            return Page();
        }
    }

    private bool Valid() => ConsoleInput.IsId(RoleId) && ScopePath.IsValid(Scope);

    private async Task LoadAsync() =>
        Role = (await activations.MyRolesAsync(Caller, Aborted))
            .FirstOrDefault(r => r.Assignment.RoleId == RoleId && r.Assignment.Scope == Scope && r.Status == MyRole.Eligible);
}
