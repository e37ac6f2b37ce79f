namespace Pim.Api.Features.Approvals;

public sealed record DecisionRequest(string Justification);
