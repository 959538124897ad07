/*
** flow.c — what every part of the flow module shares: the names of the
** reasons a datagram is refused, as the metrics print them (one label per
** reason, so an operator can tell a truncated export from a template
** flood per exporter).
*/
#include "flow/flow.h"

const char *flow_reject_name(enum flow_reject r)
{
	static const char *const names[FLOW_REJ_COUNT_MAX] = {
		[FLOW_REJ_NONE] = "none",
		[FLOW_REJ_SHORT] = "short",
		[FLOW_REJ_VERSION] = "version",
		[FLOW_REJ_COUNT] = "count",
		[FLOW_REJ_TEMPLATE] = "template",
		[FLOW_REJ_NO_TEMPLATE] = "no_template",
		[FLOW_REJ_LIMIT] = "limit",
		[FLOW_REJ_SAMPLE] = "sample",
		[FLOW_REJ_ADDRESS] = "address",
	};
	if ((unsigned)r >= FLOW_REJ_COUNT_MAX || !names[r])
		return "unknown";
	return names[r];
}
