//! The rules of engagement and the prices of response actions: who the rules name, what
//! they cover, and that a credential reset that locks systems out can be undone.

use crate::scenario::locate::Seg::{Field as F, Index as I};
use crate::scenario::{ActionEffect, Scope, resolve_actions};

use super::Ctx;
use super::time::MAX_SPAN;

impl Ctx<'_> {
    pub(super) fn check_engagement(&mut self) {
        let s = self.s;
        let e = &s.engagement;
        let base = vec![F("engagement")];
        self.span(
            e.request_expiry,
            MAX_SPAN,
            [base.clone(), vec![F("request_expiry")]].concat(),
            "`request_expiry`",
        );
        if e.request_expiry.0 == 0 {
            self.error(
                "out-of-range",
                [base.clone(), vec![F("request_expiry")]].concat(),
                "`request_expiry` is 0: every request would expire before it could be read".into(),
                Some("give the teams time to answer, e.g. \"30m\"".into()),
            );
        }
        let teams = self.teams.clone();
        if let Some(to) = &e.escalate_to {
            let path = [base.clone(), vec![F("escalate_to")]].concat();
            self.reference("team", &teams, to, path, "in `escalate_to`");
        }
        for (i, rule) in e.rules.iter().enumerate() {
            let at = [base.clone(), vec![F("rules"), I(i)]].concat();
            let team_ok = self.reference(
                "team",
                &teams,
                &rule.team,
                [at.clone(), vec![F("team")]].concat(),
                "in a rule of engagement",
            );
            if let Some(approver) = &rule.approver {
                let path = [at.clone(), vec![F("approver")]].concat();
                if self.reference("team", &teams, approver, path.clone(), "as an approver")
                    && approver == &rule.team
                {
                    self.error(
                        "self-approval",
                        path,
                        format!("team `{approver}` would approve its own actions"),
                        Some(
                            "name another team, or set `approver: None` to let it act freely"
                                .into(),
                        ),
                    );
                }
            } else if rule.overrule_cost.is_some() {
                self.warn(
                    "unused-field",
                    [at.clone(), vec![F("overrule_cost")]].concat(),
                    "`overrule_cost` has no effect on a rule that needs no approval".into(),
                    None,
                );
            }
            let team = s.teams.iter().find(|t| t.id == rule.team);
            for (j, action) in rule.actions.iter().enumerate() {
                let path = [at.clone(), vec![F("actions"), I(j)]].concat();
                let known = self.actions.contains(action);
                if !known {
                    let actions = self.actions.clone();
                    let ids = actions.iter().map(String::as_str).collect();
                    self.reference("action", &ids, action, path, "in a rule of engagement");
                } else if team_ok && team.is_some_and(|t| !t.actions.contains(action)) {
                    self.warn(
                        "rule-never-applies",
                        path,
                        format!(
                            "team `{}` may not take `{action}`, so this rule never applies",
                            rule.team
                        ),
                        Some(format!(
                            "add `{action}` to the team's actions, or drop it from the rule"
                        )),
                    );
                }
            }
            if let Scope::Systems(ids) = &rule.when {
                for (j, id) in ids.iter().enumerate() {
                    let path = [at.clone(), vec![F("when"), I(0), I(j)]].concat();
                    self.system_ref(id, path, "in a rule of engagement");
                }
            }
        }
        for (i, sys) in s.estate.systems.iter().enumerate() {
            if let Some(span) = sys.needs_egress {
                let path = vec![F("estate"), F("systems"), I(i), F("needs_egress")];
                self.span(span, MAX_SPAN, path, "`needs_egress`");
            }
        }
        // A credential that locks systems out when reset must be something a team can
        // give them again.
        let reconfigure = resolve_actions(s)
            .into_iter()
            .filter(|a| a.effects.contains(&ActionEffect::Reconfigure))
            .map(|a| a.id)
            .collect::<Vec<_>>();
        let can = s.teams.iter().any(|t| t.actions.iter().any(|a| reconfigure.contains(a)));
        for (i, cred) in s.estate.credentials.iter().enumerate() {
            for (j, user) in cred.used_by.iter().enumerate() {
                let path = vec![F("estate"), F("credentials"), I(i), F("used_by"), I(j)];
                self.system_ref(user, path, "in `used_by`");
            }
            if !cred.used_by.is_empty() && !can {
                self.error(
                    "no-way-back",
                    vec![F("estate"), F("credentials"), I(i), F("used_by")],
                    format!(
                        "a reset of `{}` locks out the systems that use it, and no team can reconfigure them",
                        cred.id
                    ),
                    Some("add \"reconfigure\" to IT's actions".into()),
                );
            }
        }
    }
}
