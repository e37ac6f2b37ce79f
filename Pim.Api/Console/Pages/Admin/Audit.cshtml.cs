using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Pim.Api.Features.Audit;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console.Pages.Admin;

/// <summary>
/// The audit trail with filters (time, principal, role, action), a page at a time, and its CSV download — the same
/// injection-safe export as the API's (<see cref="AuditCsv"/>), for the same readers (<see cref="AuditService"/> decides).
/// </summary>
public sealed class AdminAuditModel(AuditService audit) : ConsolePage
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? PrincipalId { get; set; }
    [BindProperty(SupportsGet = true)] public string? RoleId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public long? After { get; set; }

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];
    public string? Next { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (Query(PageSize) is not { } query)
        {
            HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var page = await audit.QueryAsync(Caller, query, Aborted);
        Events = page.Items;
        Next = page.NextPageToken;
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync()
    {
        if (Query(Csv.MaximumRows) is not { } query) return BadRequest();
        var page = await audit.QueryAsync(Caller, query, Aborted);
        if (page.NextPageToken is not null) HttpContext.Response.Headers[Csv.NextPageTokenHeader] = page.NextPageToken;
        return File(System.Text.Encoding.UTF8.GetBytes(AuditCsv.Write(page.Items)), "text/csv; charset=utf-8", $"pim-audit-{TenantId}.csv");
    }

    public string CsvLink => Link("csv", null);

    public string NextLink => Link(null, Next);

    private string Link(string? handler, string? after)
    {
        var query = new List<string>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) query.Add($"{name}={Uri.EscapeDataString(value)}"); }
        Add("handler", handler);
        Add(nameof(From), From);
        Add(nameof(To), To);
        Add(nameof(PrincipalId), PrincipalId);
        Add(nameof(RoleId), RoleId);
        Add(nameof(Action), Action);
        Add(nameof(After), after);
        return Path("/admin/audit") + (query.Count == 0 ? "" : "?" + string.Join("&", query));
    }

    /// <summary>The filters, held to the API's bounds; null (with the fields' messages) when one is out of them.</summary>
    private AuditQuery? Query(int size)
    {
        var from = Instant(nameof(From), From);
        var to = Instant(nameof(To), To);
        if (PrincipalId is { Length: > 0 } && !ConsoleInput.IsId(PrincipalId)) FieldErrors[nameof(PrincipalId)] = "A principal's id.";
        if (RoleId is { Length: > 0 } && !ConsoleInput.IsId(RoleId)) FieldErrors[nameof(RoleId)] = "A role's id.";
        if (Action is { Length: > 0 } && (Action.Length > 64 || !Action.All(c => char.IsAsciiLetterOrDigit(c) || c == '.')))
            FieldErrors[nameof(Action)] = "An action such as activation.approved.";
        if (FieldErrors.Count > 0)
        {
            FormError = string.Join(" ", FieldErrors.Values);
            return null;
        }
        return new AuditQuery(from, to, NullIfEmpty(PrincipalId), NullIfEmpty(RoleId), NullIfEmpty(Action), After, size);
    }

    private DateTimeOffset? Instant(string field, string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) && at.Year is >= 1970 and <= 2200)
            return new DateTimeOffset(at, TimeSpan.Zero);
        FieldErrors[field] = "A date and time (UTC), such as 2026-12-24T08:00.";
        return null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
