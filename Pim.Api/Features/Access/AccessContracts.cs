using Pim.Domain;

namespace Pim.Api.Features.Access;

public sealed record EvaluationRequest(string PrincipalId, string RoleId, string? Scope = null);

/// <summary>The answer of an evaluation: <see cref="Allow"/> while the principal holds the role, else <see cref="Deny"/>.</summary>
public static class EvaluationDecisions
{
    public const string Allow = "allow";
    public const string Deny = "deny";
}

/// <summary>What a held role rests on: an active assignment, or an activation of an eligible one.</summary>
public static class GrantSources
{
    public const string ActiveAssignment = "activeAssignment";
    public const string Activation = "activation";
}

/// <param name="Reason">On a deny, why (<see cref="DenyReasons"/>); null on an allow.</param>
public sealed record EvaluationResponse(string Decision, string PrincipalId, string RoleId, string Scope, DateTimeOffset? ValidUntil,
    string? AssignmentId, string? ActivationRequestId, string? Reason);

public sealed record ActiveRoleResponse(string RoleId, string Scope, DateTimeOffset? ValidUntil, string Source, string AssignmentId,
    string? ActivationRequestId, string? ViaGroupId)
{
    public static ActiveRoleResponse From(Grant g, string principalId) => new(g.RoleId, g.Scope, g.ValidUntil,
        g.ActivationRequestId is null ? GrantSources.ActiveAssignment : GrantSources.Activation, g.AssignmentId, g.ActivationRequestId,
        g.ViaPrincipalId == principalId ? null : g.ViaPrincipalId);
}

public sealed record ActiveRoleListResponse(IReadOnlyList<ActiveRoleResponse> Items);
