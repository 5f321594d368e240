//! Roles: what a signed-in user may reach. Stored as text, mirrored by a CHECK constraint.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Member,
    Staff,
    Admin,
}

impl Role {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "member" => Ok(Self::Member),
            "staff" => Ok(Self::Staff),
            "admin" => Ok(Self::Admin),
            _ => Err("error.role_invalid"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Staff => "staff",
            Self::Admin => "admin",
        }
    }

    pub fn is_admin(self) -> bool {
        self == Self::Admin
    }

    /// Staff scan tickets at the door; admins can do everything staff can.
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Staff | Self::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_rank() {
        for r in [Role::Member, Role::Staff, Role::Admin] {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert!(Role::parse("root").is_err());
        assert!(Role::Admin.is_staff() && !Role::Member.is_staff() && !Role::Staff.is_admin());
    }
}
