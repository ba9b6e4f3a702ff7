# A Packer v1.9.4 template for the docker-like plugin packaged with
# `imprint plugins package` (docs/guides/run-under-packer.md): an image FROM
# scratch with one file, tagged by a post-processor, published with
# hcp_packer_registry. The image is written under output-hello/ next to this file.

source "docker-like" "hello" {
  base = "scratch"
  files {
    content     = "hello from Packer\n"
    destination = "/srv/hello.txt"
  }
  labels = { team = "imaging" }
}

build {
  hcp_packer_registry {
    bucket_name = "hello"
    description = "docker-like through the Imprint Packer bridge"
  }
  sources = ["source.docker-like.hello"]

  post-processor "docker-like-tag" {
    tags = ["stable"]
  }
}
