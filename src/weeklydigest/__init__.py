"""weeklydigest: a weekly digest (周报) of Guangdong city news."""

__version__ = "0.1.0"
