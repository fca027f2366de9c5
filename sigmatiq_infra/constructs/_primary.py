"""What every construct with one primary Terraform resource offers."""

from __future__ import annotations

from sigmatiq_infra._cdktf import TerraformResourceLifecycle


class PrimaryResource:
    """Mixin for constructs whose Terraform resource is `self.resource` (or, for lookups of
    existing resources, the data source `self.data`). A construct that already sets
    `ignore_changes` on its resource lists them in `_ignore_changes`, so they are kept."""

    _ignore_changes: list[str] | None = None

    @property
    def id(self) -> str:
        """The Azure resource id (a Terraform reference); fetched once, on first use."""
        found = self.__dict__.get("_primary_id")
        if found is None:
            primary = self.__dict__.get("resource") or self.__dict__["data"]
            found = self.__dict__["_primary_id"] = primary.id
        return found

    def protect_from_destroy(self) -> None:
        """Make Terraform refuse any plan that would destroy the resource."""
        resource = self.__dict__.get("resource")
        if resource is None:
            raise TypeError(f"{type(self).__name__}: only a resource this stack manages can be protected")
        resource.lifecycle = TerraformResourceLifecycle(
            prevent_destroy=True, ignore_changes=self._ignore_changes,
        )
