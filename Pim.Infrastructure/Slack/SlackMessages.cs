using System.Globalization;
using System.Text.Json.Nodes;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>What a request's approval message shows, composed from the request as it is when the message is delivered.</summary>
public sealed record SlackApprovalView(ActivationRequest Request, string RoleName, string RequesterName, string? DecidedByName, bool Buttons,
    string? ConsoleUrl, DateTimeOffset Now);

/// <summary>
/// The Block Kit of Pim's Slack messages: the approval message (requester, role, scope, duration, justification,
/// ticket, stage and quorum progress; Approve / Deny buttons, or a link to the console where chat cannot enforce what
/// the role needs; once decided, who decided and the outcome), the deny modal, and the requester's direct message.
/// Everything a person wrote is escaped, so that it cannot become a link or a mention.
/// </summary>
public static class SlackMessages
{
    public const string ApproveAction = "pim_approve";
    public const string DenyAction = "pim_deny";
    public const string DenyModal = "pim_deny_modal";
    /// <summary>The reason's input block: <c>SlackModalErrors</c> names it on the wire.</summary>
    public const string ReasonBlock = "pim_reason";
    public const string ReasonInput = "pim_reason_input";

    /// <summary>What a button carries: the tenant and the request, all that Pim needs to find it again.</summary>
    public static string ButtonValue(string tenantId, string requestId) => $"{tenantId}/{requestId}";

    public static (string Text, JsonArray Blocks) Approval(SlackApprovalView v)
    {
        var r = v.Request;
        var waiting = r.AwaitingApprovalAt(v.Now);
        var approval = waiting ?? r.Extension?.Approval ?? r.Approval;
        var what = r.Status == ActivationStatus.Active && r.Extension is not null ? "an extension of" : "to activate";
        var headline = $"*{Escape(v.RequesterName)}* asks {what} *{Escape(v.RoleName)}*";
        var fields = new JsonArray
        {
            Field("Requester", $"{v.RequesterName} ({r.PrincipalId})"),
            Field("Role", $"{v.RoleName} ({r.RoleId})"),
            Field("Scope", r.Scope),
            Field("Duration", IsoDuration.Format(r.Extension?.Duration ?? r.Duration)),
            Field("Justification", r.Extension?.Justification ?? r.Justification ?? "-"),
            Field("Ticket", r.Ticket is null ? "-" : $"{r.Ticket.Number} ({r.Ticket.System ?? "no system"})"),
        };
        if (approval is { IsComplete: false } progress)
        {
            fields.Add(Field("Stage", $"{progress.CurrentStage + 1} of {progress.Stages.Count}"));
            fields.Add(Field("Approvals", $"{progress.Decisions.Count(d => d.Stage == progress.CurrentStage && d.Approved)} of {progress.Current.Required} needed"));
        }
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "section", ["text"] = Markdown(headline) },
            new JsonObject { ["type"] = "section", ["fields"] = fields },
        };
        string status;
        if (waiting is not null)
        {
            status = "Waiting for approval";
            var value = ButtonValue(r.TenantId, r.Id);
            if (v.Buttons)
                blocks.Add(new JsonObject
                {
                    ["type"] = "actions", ["block_id"] = "pim_decision",
                    ["elements"] = new JsonArray
                    {
                        Button("Approve", ApproveAction, value, "primary"),
                        Button("Deny", DenyAction, value, "danger"),
                    },
                });
            else
                blocks.Add(new JsonObject
                {
                    ["type"] = "section",
                    ["text"] = Markdown(v.ConsoleUrl is { } url
                        ? $"This role is decided in Pim Console, with a fresh sign-in: <{url}|approve or deny it there>."
                        : $"This role is decided in Pim Console, with a fresh sign-in (request {r.Id})."),
                });
        }
        else
        {
            status = r.Status switch
            {
                ActivationStatus.Denied => "Denied",
                ActivationStatus.TimedOut => "Timed out without a decision",
                ActivationStatus.Canceled => "Canceled by the requester",
                ActivationStatus.Revoked => "Revoked",
                ActivationStatus.Active or ActivationStatus.Scheduled or ActivationStatus.Expired or ActivationStatus.Deactivated => "Approved",
                _ => ActivationRequest.Wire(r.Status),
            };
            var by = v.DecidedByName is { } name && r.Decision is { } d
                ? $" by {Escape(name)} at {d.DecidedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}"
                : "";
            blocks.Add(new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray { Markdown($"*{status}*{by}" + (r.Decision?.Justification is { Length: > 0 } j ? $": {Escape(j)}" : "")) },
            });
        }
        return ($"PIM: {v.RequesterName} asks {what} {v.RoleName} ({status})", blocks);
    }

    /// <summary>The modal the Deny button opens: the reason, required; the request travels in private_metadata.</summary>
    public static JsonObject DenyView(string value) => new()
    {
        ["type"] = "modal",
        ["callback_id"] = DenyModal,
        ["private_metadata"] = value,
        ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Deny the request" },
        ["submit"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Deny" },
        ["close"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Cancel" },
        ["blocks"] = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "input", ["block_id"] = ReasonBlock,
                ["label"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Reason" },
                ["element"] = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = ReasonInput, ["multiline"] = true, ["max_length"] = 1000 },
            },
        },
    };

    /// <summary>The requester's direct message: the outcome.</summary>
    public static string Outcome(SlackApprovalView v)
    {
        var r = v.Request;
        var outcome = r.Status switch
        {
            ActivationStatus.Denied => "denied",
            ActivationStatus.TimedOut => "timed out without a decision",
            ActivationStatus.Canceled => "canceled",
            _ => "approved",
        };
        var by = v.DecidedByName is { } name ? $" by {Escape(name)}" : "";
        var why = r.Decision?.Justification is { Length: > 0 } j ? $": {Escape(j)}" : "";
        return $"Your request to activate *{Escape(v.RoleName)}* at {Escape(r.Scope)} was {outcome}{by}{why}.";
    }

    /// <summary>Slack's mrkdwn escaping: &amp;, &lt; and &gt; (what makes links, mentions and channel references).</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static JsonObject Markdown(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    private static JsonObject Field(string label, string value) => Markdown($"*{label}*\n{Escape(value)}");

    private static JsonObject Button(string text, string actionId, string value, string style) => new()
    {
        ["type"] = "button", ["action_id"] = actionId, ["value"] = value, ["style"] = style,
        ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = text },
    };
}
