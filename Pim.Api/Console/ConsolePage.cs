using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console;

/// <summary>
/// A console page of one tenant (<c>/console/t/{tenantId}/…</c>). Before its handler runs, the session's claims are
/// resolved against the tenant exactly as the API resolves a bearer token's (<see cref="CurrentCaller.ResolveAsync"/>):
/// the same principal, guest mapping and refusals. A refusal from a use case that the page does not show on its form
/// (forbidden, not found, consent required) is answered with its status and its message, rendered as text.
/// </summary>
public abstract class ConsolePage : PageModel
{
    [FromRoute(Name = "tenantId")]
    public string TenantId { get; set; } = "";

    /// <summary>Who the session acts as in this tenant.</summary>
    public Caller Caller { get; private set; } = null!;

    /// <summary>Whether the navigation offers administration (the use cases decide every action themselves).</summary>
    public bool MayAdminister { get; private set; }

    /// <summary>The refusal the page answers with instead of its content.</summary>
    public PimException? Refusal { get; private set; }

    /// <summary>A message for the whole form (a refusal that concerns no one field).</summary>
    public string? FormError { get; set; }

    /// <summary>Refusals shown on the fields they concern, by the field's name.</summary>
    public Dictionary<string, string> FieldErrors { get; } = new(StringComparer.Ordinal);

    /// <summary>A confirmation of what was just done.</summary>
    [TempData]
    public string? Notice { get; set; }

    public string Path(string rest = "") => $"/console/t/{Uri.EscapeDataString(TenantId)}{rest}";

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        try
        {
            Caller = await CurrentCaller.ResolveAsync(HttpContext, TenantId);
            MayAdminister = Caller.PrincipalId is not null
                && await HttpContext.RequestServices.GetRequiredService<AccessService>().HoldsAnyAsync(Caller, RoleCatalog.PimAdministrators, HttpContext.RequestAborted);
        }
        catch (PimException refusal)
        {
            context.Result = Refuse(refusal);
            return;
        }
        ViewData["Console.Tenant"] = TenantId;
        ViewData["Console.MayAdminister"] = MayAdminister;
        var executed = await next();
        if (executed.Exception is PimException problem)
        {
            executed.ExceptionHandled = true;
            executed.Result = Refuse(problem);
        }
    }

    /// <summary>Answers the refusal with its status and the console's problem page.</summary>
    protected IActionResult Refuse(PimException refusal)
    {
        Refusal = refusal;
        HttpContext.Response.StatusCode = Problems.StatusOf(refusal.Code);
        return Partial("_Refusal", this);
    }

    /// <summary>
    /// Shows a use case's refusal on the form: on the field it concerns (<see cref="ConsoleFields.Of"/>), else above the form.
    /// </summary>
    protected void Show(PimException refusal)
    {
        var fields = ConsoleFields.Of(refusal);
        if (fields.Count == 0) FormError = refusal.Message;
        foreach (var (field, message) in fields) FieldErrors[field] = message;
        HttpContext.Response.StatusCode = Problems.StatusOf(refusal.Code);
    }

    public string? ErrorOf(string field) => FieldErrors.GetValueOrDefault(field);

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    protected T Use<T>() where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();
}
