"""The primary resource's `id`, read from jsii only when something uses it."""

from __future__ import annotations


class PrimaryResource:
    """Mixin for constructs whose Terraform resource is `self.resource` (or, for lookups of
    existing resources, the data source `self.data`)."""

    @property
    def id(self) -> str:
        """The Azure resource id (a Terraform reference); fetched once, on first use."""
        found = self.__dict__.get("_primary_id")
        if found is None:
            primary = self.__dict__.get("resource") or self.__dict__["data"]
            found = self.__dict__["_primary_id"] = primary.id
        return found
