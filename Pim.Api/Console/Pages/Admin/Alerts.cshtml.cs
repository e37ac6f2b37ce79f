using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console.Pages.Admin;

/// <summary>The tenant's open security alerts, each with what it found and what to do; dismiss with a justification (the use case decides who may).</summary>
public sealed class AdminAlertsModel(AlertService alerts) : ConsolePage
{
    public const int Shown = 50;
    public IReadOnlyList<AlertView> Alerts { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        Alerts = (await alerts.ListAsync(Caller, AlertStatus.Open, null, null, Shown, Aborted)).Items;
        return Page();
    }

    public async Task<IActionResult> OnPostDismissAsync(string? incidentId, string? justification)
    {
        if (!ConsoleInput.IsId(incidentId)) return NotFound();
        justification = ConsoleInput.Text(this, "Justification", justification, Rules.MaxJustification);
        if (justification is null) FieldErrors["Justification"] = "Say why the alert is dismissed.";
        if (FieldErrors.Count == 0)
        {
            try
            {
                await alerts.DismissAsync(Caller, incidentId!, justification!, Aborted);
                Notice = "Alert dismissed.";
                return Redirect(Path("/admin/alerts"));
            }
            catch (PimException refusal) when (refusal.Code is not (ErrorCodes.NotFound or ErrorCodes.Forbidden))
            {
                Show(refusal);
            }
        }
        else FormError = string.Join(" ", FieldErrors.Values);
        Alerts = (await alerts.ListAsync(Caller, AlertStatus.Open, null, null, Shown, Aborted)).Items;
        return Page();
    }
}
