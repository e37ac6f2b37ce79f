using System.CommandLine;
using Pim.Client;

namespace Pim.Cli.Commands;

/// <summary>
/// <c>pim activate ROLE</c>: asks for an activation under the role's policy. With <c>--wait</c> it follows the request
/// (Pim's long-poll, <c>GET …/activation-requests/{id}?waitFor=active</c>) through approval or a later start and ends
/// with "Access valid until …", or with how the request ended instead (exit 1).
/// </summary>
public static class ActivateCommand
{
    public static Command Create(CliHost host, GlobalOptions options)
    {
        var role = new Argument<string>("ROLE") { Description = "The role's id (see `pim roles`)." };
        var scope = new Option<string?>("--scope") { Description = "Where to hold it (default: the tenant, '/')." };
        var duration = new Option<string?>("--duration") { Description = "How long: 30m, 1h, 1h30m, or PT1H (default: the role's maximum)." };
        var reason = new Option<string?>("--reason") { Description = "The justification." };
        var ticket = new Option<string?>("--ticket") { Description = "The ticket, SYSTEM:NUMBER (ServiceNow:CHG-4711)." };
        var start = new Option<string?>("--start") { Description = "Start later: at this time (ISO 8601, e.g. 2026-12-06T09:00:00Z) or after this delay (2h)." };
        var wait = new Option<bool>("--wait") { Description = "Follow the request until access is granted or the request ends." };
        var breakGlass = new Option<bool>("--break-glass") { Description = "Emergency access without approval, where the role allows it (reviewed afterwards)." };
        var command = new Command("activate", "Activate an eligible role.") { role, scope, duration, reason, ticket, start, wait, breakGlass };
        command.SetSessionAction(host, options, async (session, parse, ct) =>
        {
            var body = new ActivationRequestBody
            {
                RoleId = parse.GetValue(role)!,
                Scope = parse.GetValue(scope),
                Duration = parse.GetValue(duration) is { } d ? Values.Duration(d) : null,
                Justification = parse.GetValue(reason),
                Ticket = parse.GetValue(ticket) is { } t ? Values.Ticket(t) : null,
                StartsAt = parse.GetValue(start) is { } s ? Values.Start(s, host.Time.GetUtcNow()) : null,
                BreakGlass = parse.GetValue(breakGlass) ? true : null,
            };
            var request = await session.Pim.RequestActivationAsync(session.Tenant, body, Guid.NewGuid().ToString(), ct);
            if (!parse.GetValue(wait)) return Report(session, request);
            if (!session.Output.IsJson) session.Output.Writer.WriteLine($"Request {request.Id}: {Describe(request)}");
            return Report(session, await FollowAsync(session, request, ct));
        });
        return command;
    }

    /// <summary>Long-polls until the request is active or ends (each wait at most five minutes, Pim's bound).</summary>
    public static async Task<ActivationRequestResponse> FollowAsync(Session session, ActivationRequestResponse request, CancellationToken ct)
    {
        while (request.Status is ActivationStatus.PendingApproval or ActivationStatus.Scheduled)
        {
            var next = await session.Pim.GetActivationRequestAsync(session.Tenant, request.Id, ActivationStatus.Active, "PT5M", ct);
            if (next.Status != request.Status && next.Status is ActivationStatus.PendingApproval or ActivationStatus.Scheduled && !session.Output.IsJson)
                session.Output.Writer.WriteLine($"Request {next.Id}: {Describe(next)}");
            request = next;
        }
        return request;
    }

    public static int Report(Session session, ActivationRequestResponse request)
    {
        if (session.Output.IsJson) session.Output.WriteJson(request);
        else if (request.Status == ActivationStatus.Active) session.Output.Writer.WriteLine($"Access valid until {Output.Time(request.EndsAt)} ({request.RoleId} at {request.Scope}, request {request.Id}).");
        else session.Output.Writer.WriteLine($"Request {request.Id}: {Describe(request)}");
        return request.Status is ActivationStatus.Active or ActivationStatus.PendingApproval or ActivationStatus.Scheduled ? ExitCodes.Ok : ExitCodes.Refused;
    }

    /// <summary>A request's state as a sentence: waiting for whom, starting when, or ended how and by whom.</summary>
    public static string Describe(ActivationRequestResponse r) => r.Status switch
    {
        ActivationStatus.PendingApproval => "pending approval" + (r.ApprovalDeadline is { } d ? $" (until {Output.Time(d)})" : ""),
        ActivationStatus.Scheduled => $"scheduled to start at {Output.Time(r.StartsAt)}",
        ActivationStatus.Active => $"active until {Output.Time(r.EndsAt)}",
        _ => Output.Wire(r.Status) + (r.Decision is { } decision ? $" by {decision.DecidedBy}: {decision.Justification}" : "") +
             (r.EndsAt is { } e ? $" at {Output.Time(e)}" : ""),
    };
}
