using Pim.Client;

namespace Pim.Cli.Commands;

/// <summary>A request named on the command line by its id, or by the role of my open request for it.</summary>
public static class Requests
{
    public static async Task<string> ResolveAsync(Session session, string idOrRole, CancellationToken ct)
    {
        var mine = await session.Pim.ListMyRolesAsync(session.Tenant, ct);
        var open = mine.Items.Where(r => r.RoleId == idOrRole && r.ActivationRequestId is not null).ToList();
        return open switch
        {
            [var one] => one.ActivationRequestId!,
            [_, _, ..] => throw CliException.Usage($"pim: you hold {idOrRole} at several scopes ({string.Join(", ", open.Select(r => r.Scope))}): name the request by its id (`pim requests`)."),
            _ => idOrRole,
        };
    }

    public static IEnumerable<(string, Func<ActivationRequestResponse, string?>)> Columns() =>
    [
        ("ID", r => r.Id), ("PRINCIPAL", r => r.PrincipalId), ("ROLE", r => r.RoleId), ("SCOPE", r => r.Scope), ("STATUS", r => Output.Wire(r.Status)),
        ("REQUESTED", r => Output.Time(r.RequestedAt)), ("ENDS", r => Output.Time(r.EndsAt)), ("JUSTIFICATION", r => r.Justification),
        ("TICKET", r => r.Ticket is { } t ? (t.System is { } s ? $"{s}:{t.Number}" : t.Number) : null),
    ];
}
