//! A spending budget with named categories.

use std::collections::BTreeMap;
use std::fmt;

use crate::money::Money;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BudgetError {
    /// Amounts spent must be positive.
    NotPositive(Money),
    /// The expense would take the budget over its limit.
    OverLimit { remaining: Money },
}

impl fmt::Display for BudgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BudgetError::NotPositive(m) => write!(f, "amount {} is not positive", m),
            BudgetError::OverLimit { remaining } => write!(f, "only {} left", remaining),
        }
    }
}

/// Tracks expenses per category against a fixed limit.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    limit: Money,
    spent: BTreeMap<String, Money>,
}

impl Budget {
    pub fn new(limit: Money) -> Budget {
        Budget { limit, spent: BTreeMap::new() }
    }

    /// Records an expense, refusing it when it would exceed the limit.
    pub fn spend(&mut self, category: &str, amount: Money) -> Result<Money, BudgetError> {
        if amount.cents() <= 0 {
            return Err(BudgetError::NotPositive(amount));
        }
        let remaining = self.remaining();
        if amount > remaining {
            return Err(BudgetError::OverLimit { remaining });
        }
        let entry = self.spent.entry(category.to_lowercase()).or_insert_with(Money::zero);
        *entry = entry.checked_add(amount).unwrap_or(*entry);
        Ok(self.remaining())
    }

    pub fn spent_on(&self, category: &str) -> Money {
        self.spent.get(&category.to_lowercase()).copied().unwrap_or_default()
    }

    pub fn remaining(&self) -> Money {
        let spent: i64 = self.spent.values().map(|m| m.cents()).sum();
        Money::new(self.limit.cents() - spent)
    }

    /// Categories ordered by name.
    pub fn categories(&self) -> Vec<&str> {
        self.spent.keys().map(|k| k.as_str()).collect()
    }

    /// The share of the limit already spent, in whole per cent.
    pub fn used_percent(&self) -> u32 {
        if self.limit.cents() <= 0 {
            return 100;
        }
        let spent = self.limit.cents() - self.remaining().cents();
        ((spent * 100) / self.limit.cents()) as u32
    }
}
