"""Example clients of Redress for partners and frontends; see README.md. Each file also runs as a script."""
