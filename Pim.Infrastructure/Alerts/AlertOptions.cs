using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary><c>Pim:Alerts</c>: how often each tenant's security alerts are evaluated in the background (<see cref="AlertSchedule"/>).</summary>
public sealed class AlertOptions
{
    public TimeSpan EvaluationInterval { get; set; } = AlertSchedule.Default.Interval;
}
