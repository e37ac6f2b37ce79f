namespace Pim.Domain;

/// <summary>An approver's answer to an activation request.</summary>
public sealed record ApprovalDecision(bool Approved, string DecidedBy, DateTimeOffset DecidedAt, string? Justification);
