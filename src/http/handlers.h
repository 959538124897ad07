/*
** handlers.h — handlers defined outside routes.c, for its route table.
** Private to the http module.
*/
#ifndef PARAPET_HTTP_HANDLERS_H
#define PARAPET_HTTP_HANDLERS_H

#include "audit/audit.h"
#include "http/http.h"

int h_report(struct http_req *rq, struct http_resp *rs);
int h_incident_create(struct http_req *rq, struct http_resp *rs);
int h_incident_list(struct http_req *rq, struct http_resp *rs);
int h_incident_get(struct http_req *rq, struct http_resp *rs);
int h_incident_update(struct http_req *rq, struct http_resp *rs);
int h_incident_transition(struct http_req *rq, struct http_resp *rs);
int h_incident_transitions(struct http_req *rq, struct http_resp *rs);
int h_incident_assign(struct http_req *rq, struct http_resp *rs);
int h_incident_merge(struct http_req *rq, struct http_resp *rs);
int h_incident_link(struct http_req *rq, struct http_resp *rs);
int h_message_create(struct http_req *rq, struct http_resp *rs);
int h_message_list(struct http_req *rq, struct http_resp *rs);
int h_observation_list(struct http_req *rq, struct http_resp *rs);
int h_evidence_upload(struct http_req *rq, struct http_resp *rs);
int h_evidence_list(struct http_req *rq, struct http_resp *rs);
int h_evidence_download(struct http_req *rq, struct http_resp *rs);
int h_team_update(struct http_req *rq, struct http_resp *rs);
int h_rota_add(struct http_req *rq, struct http_resp *rs);
int h_oncall(struct http_req *rq, struct http_resp *rs);
int h_rule_list(struct http_req *rq, struct http_resp *rs);
int h_rule_create(struct http_req *rq, struct http_resp *rs);
int h_rule_delete(struct http_req *rq, struct http_resp *rs);
int h_outbox_list(struct http_req *rq, struct http_resp *rs);
int h_site_list(struct http_req *rq, struct http_resp *rs);
int h_site_get(struct http_req *rq, struct http_resp *rs);
int h_site_update(struct http_req *rq, struct http_resp *rs);
int h_site_checks(struct http_req *rq, struct http_resp *rs);
int h_watch_services(struct http_req *rq, struct http_resp *rs);
int h_site_accept(struct http_req *rq, struct http_resp *rs);
int h_site_posture(struct http_req *rq, struct http_resp *rs);
int h_org_posture(struct http_req *rq, struct http_resp *rs);
int h_site_dns(struct http_req *rq, struct http_resp *rs);
int h_feed_upload(struct http_req *rq, struct http_resp *rs);
int h_feed_files(struct http_req *rq, struct http_resp *rs);
int h_feed_file(struct http_req *rq, struct http_resp *rs);
int h_feed_unowned(struct http_req *rq, struct http_resp *rs);
int h_stats(struct http_req *rq, struct http_resp *rs);
int h_org_digests(struct http_req *rq, struct http_resp *rs);
/* advisories.c */
int h_advisory_list(struct http_req *rq, struct http_resp *rs);
int h_advisory_create(struct http_req *rq, struct http_resp *rs);
int h_advisory_get(struct http_req *rq, struct http_resp *rs);
int h_advisory_update(struct http_req *rq, struct http_resp *rs);
int h_advisory_history(struct http_req *rq, struct http_resp *rs);
int h_advisory_import(struct http_req *rq, struct http_resp *rs);
int h_advisory_csaf(struct http_req *rq, struct http_resp *rs);
int h_advisory_preview_draft(struct http_req *rq, struct http_resp *rs);
int h_advisory_preview(struct http_req *rq, struct http_resp *rs);
int h_advisory_exclusion(struct http_req *rq, struct http_resp *rs);
int h_advisory_publish(struct http_req *rq, struct http_resp *rs);
int h_advisory_targets(struct http_req *rq, struct http_resp *rs);
int h_advisory_target_set(struct http_req *rq, struct http_resp *rs);
int h_advisory_link(struct http_req *rq, struct http_resp *rs);
/* indicators.c */
int h_indicator_list(struct http_req *rq, struct http_resp *rs);
int h_indicator_create(struct http_req *rq, struct http_resp *rs);
int h_indicator_get(struct http_req *rq, struct http_resp *rs);
int h_indicator_update(struct http_req *rq, struct http_resp *rs);
int h_indicator_delete(struct http_req *rq, struct http_resp *rs);
int h_indicator_sightings(struct http_req *rq, struct http_resp *rs);
/* apps.c */
int h_app_submit(struct http_req *rq, struct http_resp *rs);
int h_app_list(struct http_req *rq, struct http_resp *rs);
int h_app_get(struct http_req *rq, struct http_resp *rs);
int h_app_confirm(struct http_req *rq, struct http_resp *rs);
int h_app_benign(struct http_req *rq, struct http_resp *rs);
int h_app_takedown(struct http_req *rq, struct http_resp *rs);
int h_app_diff(struct http_req *rq, struct http_resp *rs);
/* indicator_import.c */
int h_indicator_import(struct http_req *rq, struct http_resp *rs);
int h_indicator_confirm(struct http_req *rq, struct http_resp *rs);
int h_indicator_reject(struct http_req *rq, struct http_resp *rs);
int h_warninglists(struct http_req *rq, struct http_resp *rs);
int h_warninglists_held(struct http_req *rq, struct http_resp *rs);

/* indicator_exports.c */
int h_indicator_export_consumer(struct http_req *rq, struct http_resp *rs);
int h_indicator_export_staff(struct http_req *rq, struct http_resp *rs);
int h_indicator_consumer_list(struct http_req *rq, struct http_resp *rs);
int h_indicator_consumer_create(struct http_req *rq, struct http_resp *rs);
int h_indicator_consumer_get(struct http_req *rq, struct http_resp *rs);
int h_indicator_consumer_update(struct http_req *rq, struct http_resp *rs);
int h_indicator_consumer_delete(struct http_req *rq, struct http_resp *rs);
int h_indicator_consumer_rotate(struct http_req *rq, struct http_resp *rs);

/* flow.c */
int h_flow_top(struct http_req *rq, struct http_resp *rs);
int h_flow_attacks(struct http_req *rq, struct http_resp *rs);
int h_flow_history(struct http_req *rq, struct http_resp *rs);

#endif
